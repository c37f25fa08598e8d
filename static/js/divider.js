/* The "New" divider above the first unread message (the server draws it, and
 * history.js opens the room at it). While it is off screen, a control above
 * the history jumps back to it; it hides when the divider is in view, and for
 * good once dismissed. */
(function (Chat) {
  'use strict';
  var divider = Chat.$('unread');
  var scroller = Chat.$('scroller');
  var chat = Chat.$('chat');
  if (!divider || !scroller || !chat || !Chat.history) { return; }
  var dismissed = false;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text) { node.appendChild(document.createTextNode(text)); }
    return node;
  }

  function two(n) { return (n < 10 ? '0' : '') + n; }

  // The first unread message's time, as timeline.js shows times: its date too when it is not today's.
  function since() {
    var next = divider.nextSibling;
    while (next && !(next.nodeType === 1 && next.getAttribute('data-seq'))) { next = next.nextSibling; }
    var time = next && next.getElementsByTagName('time')[0];
    if (!time) { return ''; }
    var d = new Date(time.getAttribute('datetime'));
    var clock = two(d.getHours()) + ':' + two(d.getMinutes());
    return d.toDateString() === new Date().toDateString() ? clock : d.toLocaleDateString() + ' ' + clock;
  }

  var count = Number(divider.getAttribute('data-count')) || 0;
  var bar = el('div', 'unread-jump');
  bar.id = 'unread-jump';
  var summary = el('span', 'unread-summary', (count === 1 ? '1 new message' : count + ' new messages') +
                   (since() ? ' since ' + since() : ''));
  var jump = el('button', 'jump');
  jump.type = 'button';
  jump.id = 'jump-unread';
  var label = document.createTextNode('Jump to first unread ↑');
  jump.appendChild(label);
  var close = el('button', 'dismiss', '×');
  close.type = 'button';
  close.setAttribute('aria-label', 'Dismiss');
  bar.appendChild(summary);
  bar.appendChild(jump);
  bar.appendChild(close);
  Chat.show(bar, false);
  chat.insertBefore(bar, scroller);

  // 'above', 'below' or 'here': where the divider is, seen from the history's window.
  function where() {
    var line = divider.getBoundingClientRect();
    var view = scroller.getBoundingClientRect();
    if (line.bottom <= view.top) { return 'above'; }
    if (line.top >= view.bottom) { return 'below'; }
    return 'here';
  }

  function update() {
    var place = divider.parentNode ? where() : 'here';
    var visible = !dismissed && place !== 'here';
    if (visible) {
      label.nodeValue = 'Jump to first unread ' + (place === 'above' ? '↑' : '↓');
      bar.style.top = (scroller.offsetTop + 8) + 'px';  // the header above the history varies in height
    }
    Chat.show(bar, visible);
  }

  jump.addEventListener('click', function () {
    Chat.history.reveal(divider, 'top');
    update();
    try { scroller.focus({preventScroll: true}); } catch (old) { scroller.focus(); }  // the button has gone
  });
  close.addEventListener('click', function () {
    dismissed = true;
    update();
    scroller.focus();
  });
  scroller.addEventListener('scroll', update);
  window.addEventListener('resize', update);

  // A reset reloads the room's recent history: the page no longer knows where its news began.
  Chat.on('reset', function (data) {
    for (var i = 0; i < data.room_ids.length; i++) {
      if (data.room_ids[i] === Chat.roomId && divider.parentNode) { divider.parentNode.removeChild(divider); }
    }
    update();
  });

  update();
}(window.Chat));
