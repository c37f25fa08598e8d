/* @mentions, completed: typing @ at the start of a word lists the room's members
 * (from the members panel, which presence.js keeps live), filtered as you type.
 * ↑/↓ choose, Enter or Tab insert "@name ", Escape closes; a click inserts too.
 * Works in the composer and in a message's edit box. */
(function (Chat) {
  'use strict';
  var composer = Chat.$('body');
  if (!composer) { return; }
  var LIMIT = 8;
  var LONGEST = 32;  // a username's most characters (chat/models/user.py)
  // A username's characters, as chat/markup.py reads a mention: letters, digits, _ - and '.'.
  var NAME_CHAR = /[0-9A-Za-z_.\u00c0-\ud7ff\ue000-\uffff-]/;
  var WORD_CHAR = /[0-9A-Za-z_\u00c0-\ud7ff\ue000-\uffff-]/;

  var list = document.createElement('ul');
  list.id = 'mention-list';
  list.className = 'mention-list';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Members to mention');
  Chat.show(list, false);
  document.body.appendChild(list);

  var field = null;     // the textarea the list is open for
  var fragment = null;  // {start, end}: the "@..." being typed, '@' at start
  var shown = [];       // usernames, in the list's order
  var active = -1;
  var dismissed = -1;   // where the '@' was when Escape closed the list: not reopened for it
  var inserting = false;

  // The composer is the combobox the list belongs to. The edit box keeps its
  // multi-line textbox role (which may own an active descendant) and gets the rest.
  composer.setAttribute('role', 'combobox');
  composer.setAttribute('aria-expanded', 'false');
  composer.setAttribute('aria-haspopup', 'listbox');
  composer.setAttribute('aria-autocomplete', 'list');
  composer.setAttribute('aria-controls', list.id);

  var timeline = Chat.$('messages');
  function ours(el) {
    return el && el.tagName === 'TEXTAREA' && (el === composer || !!(timeline && timeline.contains(el)));
  }

  /* The @fragment that ends at the caret, or null. The '@' must start a word,
   * as a mention must: not "bob@al", "@@al" or "x.@al". */
  function fragmentAt(el) {
    var caret = el.selectionStart;
    if (caret !== el.selectionEnd) { return null; }
    var text = el.value;
    var i = caret;
    while (i > 0 && caret - i <= LONGEST && NAME_CHAR.test(text.charAt(i - 1))) { i--; }
    if (caret - i > LONGEST || text.charAt(i - 1) !== '@') { return null; }
    var before = text.charAt(i - 2);
    if (i > 1 && (WORD_CHAR.test(before) || before === '@' || before === '.')) { return null; }
    return {start: i - 1, end: caret, query: text.slice(i, caret).toLowerCase()};
  }

  /* Members whose name starts with the query, then those containing it; online
   * before offline, then by name. Never the reader. */
  function matches(query) {
    var items = document.querySelectorAll('#members li[data-username]');
    var found = [];
    for (var i = 0; i < items.length; i++) {
      var name = items[i].getAttribute('data-username');
      var at = name.toLowerCase().indexOf(query);
      if (at < 0 || Number(items[i].getAttribute('data-user-id')) === Chat.userId || name === Chat.username) {
        continue;
      }
      found.push({name: name, at: at, online: /(^|\s)online(\s|$)/.test(items[i].className)});
    }
    found.sort(function (a, b) {
      return ((a.at > 0) - (b.at > 0)) || (b.online - a.online) ||
        (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0);
    });
    return found.slice(0, LIMIT);
  }

  function option(member, index, length) {
    var li = document.createElement('li');
    li.id = 'mention-option-' + index;
    li.className = 'mention-option' + (member.online ? ' online' : '');
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', 'false');
    li.setAttribute('data-username', member.name);
    var dot = document.createElement('span');
    dot.className = 'dot';
    dot.setAttribute('aria-hidden', 'true');
    var name = document.createElement('span');
    name.className = 'name';
    name.appendChild(document.createTextNode(member.name.slice(0, member.at)));
    var typed = document.createElement('strong');
    typed.appendChild(document.createTextNode(member.name.slice(member.at, member.at + length)));
    name.appendChild(typed);
    name.appendChild(document.createTextNode(member.name.slice(member.at + length)));
    li.appendChild(dot);
    li.appendChild(name);
    return li;
  }

  function setActive(index) {
    var options = list.childNodes;
    active = index;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute('aria-selected', i === index ? 'true' : 'false');
    }
    if (field) { field.setAttribute('aria-activedescendant', options[index].id); }
  }

  /* Above the text box, or below it when there is no room above (an edit near the top). */
  function place() {
    if (!document.documentElement.contains(field)) { close(); return; }  // an edit box that went away
    var box = field.getBoundingClientRect();
    var height = list.offsetHeight;
    list.style.left = Math.max(4, box.left) + 'px';
    list.style.width = Math.min(box.width, 320) + 'px';
    list.style.top = (box.top - height - 4 >= 0 ? box.top - height - 4 : box.bottom + 4) + 'px';
  }

  function close() {
    if (!field) { return; }
    field.removeAttribute('aria-activedescendant');
    if (field === composer) { composer.setAttribute('aria-expanded', 'false'); }
    Chat.show(list, false);
    field = null;
    fragment = null;
    shown = [];
    active = -1;
  }

  /* Show what the text at the caret asks for in `el`, keeping the active member if still listed. */
  function update(el) {
    var found = fragmentAt(el);
    if (!found || found.start === dismissed) {
      if (!found) { dismissed = -1; }
      close();
      return;
    }
    var members = matches(found.query);
    if (!members.length) { close(); return; }
    var keep = active >= 0 ? shown[active] : null;
    if (field && field !== el) { close(); }
    field = el;
    fragment = found;
    shown = [];
    while (list.firstChild) { list.removeChild(list.firstChild); }
    for (var i = 0; i < members.length; i++) {
      shown.push(members[i].name);
      list.appendChild(option(members[i], i, found.query.length));
    }
    if (el === composer) { composer.setAttribute('aria-expanded', 'true'); }
    else { el.setAttribute('aria-controls', list.id); el.setAttribute('aria-autocomplete', 'list'); }
    Chat.show(list, true);
    var kept = keep ? shown.indexOf(keep) : -1;
    setActive(kept >= 0 ? kept : 0);
    place();
  }

  function changed(el) {
    var event = document.createEvent('Event');
    event.initEvent('input', true, false);
    el.dispatchEvent(event);
  }

  /* Replace the typed "@fragment" by "@name " and put the caret after it. */
  function insert(index) {
    if (index < 0 || index >= shown.length) { return; }
    var el = field;
    var name = shown[index];
    var start = fragment.start;
    var end = fragment.end;
    close();
    var spaced = /\s/.test(el.value.charAt(end));
    var text = '@' + name + (spaced ? '' : ' ');
    el.focus();
    el.setSelectionRange(start, end);
    // execCommand keeps the browser's undo history (Ctrl+Z) and fires `input` itself.
    var done = false;
    inserting = true;
    try { done = document.execCommand && document.execCommand('insertText', false, text); } catch (ignored) { done = false; }
    if (!done || el.value.slice(start, start + text.length) !== text) {
      el.value = el.value.slice(0, start) + text + el.value.slice(end);
      changed(el);
    }
    inserting = false;
    var caret = start + text.length + (spaced ? 1 : 0);
    el.setSelectionRange(caret, caret);
  }

  // In the capture phase on the document, so it runs before composer.js and
  // edits.js hear the key: while the list is open, Enter picks a member instead
  // of sending, and Escape closes the list, not the edit box.
  document.addEventListener('keydown', function (event) {
    if (!field || event.target !== field || event.isComposing || event.keyCode === 229) { return; }
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key || {13: 'Enter', 9: 'Tab', 27: 'Escape', 38: 'ArrowUp', 40: 'ArrowDown'}[event.keyCode];
    if (key === 'Up' || key === 'Down') { key = 'Arrow' + key; }  // old Edge and IE
    if (key === 'Esc') { key = 'Escape'; }
    if ((key === 'Enter' || key === 'Tab') && event.shiftKey) { return; }
    if (key === 'ArrowDown') { setActive((active + 1) % shown.length); }
    else if (key === 'ArrowUp') { setActive((active - 1 + shown.length) % shown.length); }
    else if (key === 'Enter' || key === 'Tab') { insert(active); }
    else if (key === 'Escape') { dismissed = fragment.start; close(); }
    else { return; }
    event.preventDefault();
    event.stopPropagation();
  }, true);

  document.addEventListener('input', function (event) {
    if (ours(event.target) && !event.isComposing && !inserting) { update(event.target); }
  }, true);
  document.addEventListener('compositionend', function (event) {
    if (ours(event.target)) { update(event.target); }
  }, true);

  // Moving the caret out of the fragment (arrows, Home, a click) closes the list.
  function moved(event) {
    if (field && event.target === field) { update(field); }
  }
  document.addEventListener('keyup', function (event) {
    if (/^(ArrowLeft|ArrowRight|Left|Right|Home|End)$/.test(event.key)) { moved(event); }
  }, true);
  document.addEventListener('click', moved, true);
  document.addEventListener('focusout', function (event) {
    if (event.target === field) { close(); }
  }, true);

  // A press on the list must not take the focus (and close it) before the click inserts.
  list.addEventListener('mousedown', function (event) { event.preventDefault(); });
  list.addEventListener('click', function (event) {
    var target = event.target;
    while (target && target !== list && target.getAttribute('role') !== 'option') { target = target.parentNode; }
    if (field && target && target !== list) { insert(shown.indexOf(target.getAttribute('data-username'))); }
  });

  // Someone joined, left, came online or went while the list is open: show the room as it now is.
  var members = Chat.$('members');
  if (members && window.MutationObserver) {
    new MutationObserver(function () { if (field) { update(field); } })
      .observe(members, {childList: true, subtree: true, attributes: true, attributeFilter: ['class']});
  }
  window.addEventListener('resize', function () { if (field) { place(); } });
  document.addEventListener('scroll', function () { if (field) { place(); } }, true);
  // The composer empties itself after a send, without an `input` event.
  Chat.on('sent', function () { dismissed = -1; close(); });
}(window.Chat));
