/* A message body as DOM: text nodes, http(s) links, and the reader's @mentions.
 * The same rules as chat/markup.py, which renders history on the server; the
 * browser tests check both give the same DOM. User text only ever becomes
 * text nodes and attribute values set through the DOM, never HTML. */
(function (Chat) {
  'use strict';
  // Spelt out as in markup.py: no `i` flag (engines fold case differently), and
  // emoji halves (surrogates) are not letters.
  var URL = /[Hh][Tt][Tt][Pp][Ss]?:\/\/[^\s<>"]+/g;
  var TRAILING = '.,;:!?\'"';
  var NAME_CHAR = /[0-9A-Za-z_\u00c0-\ud7ff\ue000-\uffff-]/;

  function count(text, ch) { return text.split(ch).length - 1; }

  function linkEnd(url) {
    while (url && (TRAILING.indexOf(url.charAt(url.length - 1)) >= 0 ||
           (url.charAt(url.length - 1) === ')' && count(url, '(') < count(url, ')')))) {
      url = url.slice(0, -1);
    }
    return url;
  }

  // @username as a whole word, any case: not "@alice2", "bob@alice" or "@alice.b".
  function isMention(text, at, name) {
    if (!name || text.substr(at + 1, name.length).toLowerCase() !== name.toLowerCase()) { return false; }
    var before = text.charAt(at - 1);
    if (at > 0 && (NAME_CHAR.test(before) || before === '@' || before === '.')) { return false; }
    var after = text.charAt(at + 1 + name.length);
    var next = text.charAt(at + 2 + name.length);
    return !(after && NAME_CHAR.test(after)) && !(after === '.' && next && NAME_CHAR.test(next));
  }

  function appendMarked(into, text, name) {
    var from = 0;
    var at = text.indexOf('@');
    while (at >= 0) {
      if (isMention(text, at, name)) {
        if (at > from) { into.appendChild(document.createTextNode(text.slice(from, at))); }
        var mark = document.createElement('mark');
        mark.className = 'mention';
        mark.appendChild(document.createTextNode(text.substr(at, name.length + 1)));
        into.appendChild(mark);
        from = at + name.length + 1;
      }
      at = text.indexOf('@', Math.max(at + 1, from));
    }
    if (from < text.length) { into.appendChild(document.createTextNode(text.slice(from))); }
  }

  function link(url) {
    var a = document.createElement('a');
    a.setAttribute('href', url);
    a.setAttribute('rel', 'noopener noreferrer');
    a.setAttribute('target', '_blank');
    a.appendChild(document.createTextNode(url));
    return a;
  }

  Chat.format = function (body, name) {
    var fragment = document.createDocumentFragment();
    var from = 0;
    var match;
    URL.lastIndex = 0;
    while ((match = URL.exec(body)) !== null) {
      var url = linkEnd(match[0]);
      if (url.slice(-2) === '//') { continue; }  // nothing left after the scheme
      appendMarked(fragment, body.slice(from, match.index), name);
      fragment.appendChild(link(url));
      from = match.index + url.length;
    }
    appendMarked(fragment, body.slice(from), name);
    return fragment;
  };

  Chat.mentions = function (body, name) {
    var mark = Chat.format(body, name);
    for (var node = mark.firstChild; node; node = node.nextSibling) {
      if (node.nodeName === 'MARK') { return true; }
    }
    return false;
  };
}(window.Chat));
