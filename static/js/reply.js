/* Replying. Every message has a Reply action, which quotes it above the
 * composer (its author and the start of its text, with a × to cancel, as Escape
 * does); the next post carries `reply_to`. A reply shows what it answers above
 * its body, linking to it: a click scrolls to it and marks it when it is on the
 * page, or opens its permalink. A message shows how many replies it has, kept
 * live by `replies` events; thread.js opens the thread from that count.
 * templates/rooms/_reply_to.html and _thread.html render the same markup. */
(function (Chat) {
  'use strict';
  var timeline = Chat.timeline;
  var form = Chat.$('composer');
  var input = Chat.$('body');
  if (!timeline || !form || !input) { return; }
  var room = Chat.roomId;
  var EXCERPT = 100;  // as chat/models/reply.py cuts it
  var quoted = null;  // the message being replied to: {seq, author, excerpt}
  var box = null;     // the quote above the composer

  function has(el, name) { return (' ' + el.className + ' ').indexOf(' ' + name + ' ') >= 0; }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.appendChild(document.createTextNode(text)); }
    return node;
  }

  function excerpt(text) {
    text = text.replace(/\s+/g, ' ').replace(/^ | $/g, '');
    return text.length <= EXCERPT ? text : text.slice(0, EXCERPT).replace(/\s+$/, '') + '\u2026';
  }

  /* "in reply to bob: what bob said", for a message `m` that answers `to` (its reply_to). */
  function replyTo(m, to) {
    var link = el('a', 'reply-to');
    link.setAttribute('href', '/rooms/' + m.room_id + '/messages/' + to.seq);
    link.setAttribute('data-seq', to.seq);
    link.appendChild(el('span', 'reply-to-label', 'in reply to'));
    link.appendChild(document.createTextNode(' '));
    link.appendChild(el('span', 'reply-to-author', to.author.username));
    link.appendChild(document.createTextNode(': '));
    link.appendChild(to.deleted ? el('span', 'excerpt tombstone', 'Message deleted') : el('span', 'excerpt', to.excerpt));
    return link;
  }

  function count(m) {
    var n = m.replies.count;
    var link = el('a', 'replies-count', n + (n === 1 ? ' reply' : ' replies'));
    link.setAttribute('href', m.url);
    link.setAttribute('data-seq', m.seq);
    return link;
  }

  timeline.part(function (li, m) {
    if (m.kind !== 'message' || !m.seq) { return; }  // system lines, and pending messages
    if (m.reply_to && !m.deleted) { li.insertBefore(replyTo(m, m.reply_to), li.querySelector('.body')); }
    if (m.replies && m.replies.count) { li.appendChild(count(m)); }
  });

  /* --- The quote above the composer ------------------------------------------ */

  function cancel() {
    quoted = null;
    if (box) { Chat.show(box, false); }
  }

  function showQuote() {
    if (!box) {
      box = el('div', 'replying');
      box.id = 'replying';
      var text = el('p', 'replying-text');
      var close = el('button', 'replying-cancel');
      close.type = 'button';
      close.setAttribute('aria-label', 'Cancel reply');
      close.setAttribute('title', 'Cancel reply');
      close.appendChild(Chat.icon('x'));
      close.addEventListener('click', function () { cancel(); input.focus(); });
      box.appendChild(text);
      box.appendChild(close);
      form.insertBefore(box, input.parentNode.parentNode === form ? input.parentNode : input);
    }
    var line = box.firstChild;
    while (line.firstChild) { line.removeChild(line.firstChild); }
    line.appendChild(document.createTextNode('Replying to '));
    line.appendChild(el('strong', 'replying-author', quoted.author));
    line.appendChild(document.createTextNode(': '));
    line.appendChild(el('span', 'excerpt', quoted.excerpt));
    Chat.show(box, true);
  }

  function reply(li) {
    var author = li.querySelector('.meta .author');
    var body = li.querySelector('.body');
    quoted = {seq: Number(li.getAttribute('data-seq')), author: author ? author.textContent : '',
              excerpt: excerpt(body ? body.textContent : '')};
    showQuote();
    input.focus();
  }

  Chat.on('composing', function (item) {
    if (quoted) { item.fields.reply_to = quoted.seq; }
  });
  Chat.on('sent', cancel);

  // Escape in the composer drops the quote (autocomplete.js spends it first while its list is open).
  input.addEventListener('keydown', function (event) {
    if ((event.key === 'Escape' || event.key === 'Esc') && quoted && !event.defaultPrevented) {
      event.preventDefault();
      cancel();
    }
  });

  /* --- The Reply action ------------------------------------------------------ */

  function decorate(li) {
    if (!li.getAttribute('data-seq') || has(li, 'system') || has(li, 'deleted') || li.querySelector('.actions .tool.reply')) {
      return;
    }
    var b = el('button', 'tool reply');
    b.type = 'button';
    b.setAttribute('aria-label', 'Reply');
    b.setAttribute('title', 'Reply');
    b.appendChild(Chat.icon('reply'));
    b.addEventListener('click', function () { reply(li); });
    // Beside "Add reaction": the things anyone may do come first, then the author's own.
    var actions = Chat.toolbar(li);
    var react = actions.querySelector('.tool.react');
    actions.insertBefore(b, react ? react.nextSibling : actions.firstChild);
  }

  Chat.on('rendered', decorate);
  var shown = timeline.list.querySelectorAll('li[data-seq]');
  for (var i = 0; i < shown.length; i++) { decorate(shown[i]); }

  /* --- Following "in reply to" ----------------------------------------------- */

  function closest(node, className) {
    while (node && node !== timeline.list) {
      if (node.nodeType === 1 && has(node, className)) { return node; }
      node = node.parentNode;
    }
    return null;
  }

  /* Scroll to the message `seq` and mark it; false when it is not on the page. */
  function visit(seq) {
    var target = Chat.$('m' + seq);
    if (!target) { return false; }
    var marked = timeline.list.querySelectorAll('li.highlight');
    for (var i = 0; i < marked.length; i++) {
      marked[i].className = (' ' + marked[i].className + ' ').replace(' highlight ', ' ').replace(/^ | $/g, '');
    }
    target.className += ' highlight';
    target.setAttribute('tabindex', '-1');
    target.focus({preventScroll: true});
    if (Chat.history) { Chat.history.reveal(target, 'center'); } else { target.scrollIntoView(); }
    return true;
  }

  timeline.list.addEventListener('click', function (event) {
    var link = closest(event.target, 'reply-to');
    if (link && visit(link.getAttribute('data-seq'))) { event.preventDefault(); }
  });

  /* A parent's new count, and an edited or deleted parent's excerpt in its replies. */
  Chat.on('replies', function (data) {
    if (data.room_id === room) { timeline.update(data.message); }
  });

  function parentChanged(data) {
    if (data.room_id !== room) { return; }
    var m = data.message;
    var links = timeline.list.querySelectorAll('a.reply-to[data-seq="' + m.seq + '"]');
    for (var i = 0; i < links.length; i++) {
      links[i].parentNode.replaceChild(replyTo({room_id: room}, {seq: m.seq, author: m.author, deleted: m.deleted,
                                                                 excerpt: excerpt(m.body)}), links[i]);
    }
    if (m.deleted && quoted && quoted.seq === m.seq) { cancel(); }  // it can no longer be answered
  }
  Chat.on('edit', parentChanged);
  Chat.on('delete', parentChanged);

  Chat.reply = {visit: visit, excerpt: excerpt};
}(window.Chat));
