/* Text boxes that grow with their text: the composer (and an edit box) take the
 * height their lines need, up to 40% of the visible screen, then scroll inside;
 * after a send the composer is back to its two rows. The history above keeps
 * its bottom edge where it was, so the newest lines stay in sight as the box
 * grows. */
(function (Chat) {
  'use strict';
  var SHARE = 0.4;
  var scroller = Chat.$('scroller');
  var composer = Chat.$('body');
  var chat = Chat.$('chat');
  if (!chat) { return; }

  function view() {
    // The visual viewport shrinks with a phone's on-screen keyboard; innerHeight may not.
    var visual = window.visualViewport;
    return visual && visual.height ? Math.min(visual.height, window.innerHeight) : window.innerHeight;
  }

  function fit(area) {
    if (!area || !area.parentNode) { return; }
    // The composer sits below the history, which it squeezes: keep the history's
    // bottom in place. An edit box is inside the history and simply grows down.
    var anchor = area === composer && scroller;
    var fromBottom = anchor ? scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight : 0;
    var max = Math.floor(view() * SHARE);
    area.style.height = 'auto';  // back to its rows, to measure what the text needs
    var rows = area.offsetHeight;
    var wanted = area.scrollHeight + rows - area.clientHeight;  // the text, and the borders
    area.style.height = Math.max(rows, Math.min(wanted, max)) + 'px';
    area.style.overflowY = wanted > max ? 'auto' : 'hidden';
    if (anchor) { scroller.scrollTop = scroller.scrollHeight - scroller.clientHeight - fromBottom; }
  }

  function isOurs(el) {
    return el && el.tagName === 'TEXTAREA' && (el === composer || chat.contains(el));
  }

  document.addEventListener('input', function (event) {
    if (isOurs(event.target)) { fit(event.target); }
  }, false);

  function refitAll() {
    var areas = chat.getElementsByTagName('textarea');
    for (var i = 0; i < areas.length; i++) { fit(areas[i]); }
  }

  var pending = null;
  function later() {
    if (pending) { return; }
    pending = setTimeout(function () { pending = null; refitAll(); }, 50);
  }
  window.addEventListener('resize', later, false);
  if (window.visualViewport) { window.visualViewport.addEventListener('resize', later, false); }

  Chat.grow = fit;
  Chat.on('composer-changed', function () { fit(composer); });
  if (composer) { fit(composer); }
}(window.Chat));
