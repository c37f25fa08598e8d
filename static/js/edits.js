/* Editing and deleting messages: your own (edit, delete), and anyone's in a room
 * you own (delete). Edits and deletes from anyone arrive as `edit` and `delete`
 * events and are shown in place; "(edited)" opens the earlier versions.
 * A message's actions are a small toolbar of named icon buttons, shown while the
 * message is pointed at or has the focus (a click or tap on it gives it the
 * focus, and Tab then reaches them). It floats at the message's top right and
 * the text wraps around it, so it never covers the text or the edit box. */
(function (Chat) {
  'use strict';
  var timeline = Chat.timeline;
  var chat = Chat.$('chat');
  if (!timeline || !chat) { return; }
  var room = Chat.roomId;
  var moderator = chat.getAttribute('data-moderator') === 'true';
  var composer = Chat.$('body');
  var limit = Chat.counter;

  function has(li, name) { return (' ' + li.className + ' ').indexOf(' ' + name + ' ') >= 0; }
  function mine(li) { return Number(li.getAttribute('data-author-id')) === Chat.userId; }
  function path(li) { return '/rooms/' + room + '/messages/' + li.getAttribute('data-seq'); }

  function button(text, label, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'link';
    b.setAttribute('tabindex', '-1');  // a keyboard edits with ↑ in the composer (see below)
    b.setAttribute('aria-label', label);
    b.appendChild(document.createTextNode(text));
    b.addEventListener('click', onClick);
    return b;
  }

  /* One of a message's tools: an icon, named for screen readers (and as a tooltip). */
  function tool(icon, label, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'tool ' + icon;
    b.setAttribute('aria-label', label);
    b.setAttribute('title', label);
    b.appendChild(Chat.icon(icon));
    b.addEventListener('click', onClick);
    return b;
  }

  /* Fetch the message as it stands and show it (after our own change, in case the stream is down). */
  function refresh(li) {
    Chat.api('GET', path(li), null, function (status, data) {
      if (status === 200) { timeline.update(data); }
    });
  }

  function edit(li) {
    if (li.querySelector('form.edit')) { return; }
    var body = li.querySelector('.body');
    var form = document.createElement('form');
    form.className = 'edit';
    var area = document.createElement('textarea');
    area.value = body.getAttribute('data-source') || '';  // the Markdown as written, not as rendered
    area.setAttribute('aria-label', 'Edit message');
    area.rows = 2;
    var error = document.createElement('p');
    error.className = 'error';
    error.setAttribute('role', 'alert');
    var save = document.createElement('button');
    save.type = 'submit';
    save.appendChild(document.createTextNode('Save'));
    var cancel = button('Cancel', 'Cancel editing', function () { close(); });
    form.appendChild(area);
    form.appendChild(save);
    form.appendChild(cancel);
    form.appendChild(error);
    if (limit) { limit.attach(area, form); }
    Chat.show(body, false);
    li.appendChild(form);
    if (Chat.grow) { Chat.grow(area); }
    area.focus();

    function close() {
      if (form.parentNode) { form.parentNode.removeChild(form); }
      Chat.show(body, true);
      if (composer) { composer.focus(); }
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      // Emptied: the keyboard's way to delete (↑, clear, Enter), after the same question.
      if (!area.value.replace(/\s+/g, '')) { close(); remove(li); return; }
      var length = limit ? limit.length(area.value) : 0;
      if (limit && length > limit.MAX) {  // refused whole, never cut: the author shortens it
        error.textContent = 'Message must be at most ' + limit.grouped(limit.MAX) + ' characters; this one has ' +
          limit.grouped(length) + '.';
        return;
      }
      Chat.api('PATCH', path(li), {body: area.value}, function (status, data) {
        if (status === 200) { close(); timeline.update(data); return; }
        error.textContent = Chat.errorMessage(status, data);
      });
    });
    area.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') { event.preventDefault(); close(); }
      if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); save.click(); }
    });
  }

  function remove(li) {
    if (!window.confirm('Delete this message? Everyone will see that it was deleted.')) { return; }
    Chat.api('DELETE', path(li), null, function (status, data) {
      if (status === 204) { refresh(li); return; }
      window.alert(Chat.errorMessage(status, data));
    });
  }

  function versions(li, toggle) {
    var shown = li.querySelector('.versions');
    if (shown) { shown.parentNode.removeChild(shown); toggle.setAttribute('aria-expanded', 'false'); return; }
    Chat.api('GET', path(li) + '/versions', null, function (status, data) {
      if (status !== 200) { return; }
      var list = document.createElement('ol');
      list.className = 'versions';
      list.setAttribute('aria-label', 'Earlier versions');
      for (var i = 0; i < data.versions.length; i++) {
        var item = document.createElement('li');
        var when = document.createElement('time');
        when.setAttribute('datetime', data.versions[i].written_at);
        when.appendChild(document.createTextNode(new Date(data.versions[i].written_at).toLocaleString()));
        item.appendChild(when);
        item.appendChild(document.createTextNode(' ' + data.versions[i].body));
        list.appendChild(item);
      }
      li.appendChild(list);
      toggle.setAttribute('aria-expanded', 'true');
    });
  }

  /* Give a rendered message the actions its reader may take. */
  function decorate(li) {
    if (!li.getAttribute('data-seq') || has(li, 'system') || has(li, 'deleted') || li.querySelector('.actions .tool.trash')) {
      return;
    }
    var meta = li.querySelector('.meta');
    var own = mine(li);
    var marker = li.querySelector('.edited');
    if (marker && (own || moderator)) {
      var toggle = button('(edited)', 'Show earlier versions', function () { versions(li, toggle); });
      toggle.className = 'link edited';
      toggle.setAttribute('aria-expanded', 'false');
      meta.replaceChild(toggle, marker);
    }
    if (!own && !moderator) { return; }
    var actions = Chat.toolbar(li);
    if (own) { actions.appendChild(tool('edit', 'Edit message', function () { edit(li); })); }
    actions.appendChild(tool('trash', 'Delete message', function () { remove(li); }));
  }

  function changed(data) {
    if (data.room_id === room) { timeline.update(data.message); }
  }

  Chat.on('rendered', decorate);
  Chat.on('edit', changed);
  Chat.on('delete', changed);

  // ↑ in an empty composer edits your latest message, as in most chat apps.
  if (composer) {
    composer.addEventListener('keydown', function (event) {
      if (event.key !== 'ArrowUp' || composer.value) { return; }
      var own = timeline.list.querySelectorAll('li.mine[data-seq]:not(.deleted)');
      if (own.length) { event.preventDefault(); edit(own[own.length - 1]); }
    });
  }

  var shown = timeline.list.querySelectorAll('li[data-seq]');
  for (var i = 0; i < shown.length; i++) { decorate(shown[i]); }
}(window.Chat));
