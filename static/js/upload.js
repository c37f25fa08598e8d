/* Files for the next message: chosen with the picker, pasted (a screenshot from
 * the clipboard) or dropped on the room. Each uploads at once, with a progress
 * bar and a button that cancels it (or takes back a finished one); when the
 * message is sent, the finished ones go with it as `attachments`, and a send
 * waits while one is still on its way. */
(function (Chat) {
  'use strict';
  var form = Chat.$('composer');
  var input = Chat.$('file');
  var room = Chat.roomId;
  if (!form || !input || !room) { return; }
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var MAX_FILES = 10;
  var chosen = [];  // {file, xhr, id (once stored), li}

  // The no-JS field gives way to a button and a tray of chosen files.
  var field = input.parentNode;
  field.className += ' file-picker';
  input.setAttribute('multiple', '');
  input.setAttribute('tabindex', '-1');
  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'tool attach';
  button.setAttribute('aria-label', 'Attach files');
  button.setAttribute('title', 'Attach files');
  button.appendChild(Chat.icon('paperclip'));
  form.insertBefore(button, form.lastElementChild);
  var tray = document.createElement('ul');
  tray.className = 'uploads';
  tray.id = 'uploads';
  tray.setAttribute('aria-label', 'Files to send');
  form.insertBefore(tray, form.firstChild);
  Chat.show(tray, false);
  // The box was fitted beside the no-JS field, narrower than it is now.
  if (Chat.grow) { Chat.grow(Chat.$('body')); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.appendChild(document.createTextNode(text)); }
    return node;
  }

  function forget(entry) {
    if (entry.xhr) { entry.xhr.abort(); }
    for (var i = 0; i < chosen.length; i++) {
      if (chosen[i] === entry) { chosen.splice(i, 1); }
    }
    if (entry.li.parentNode) { tray.removeChild(entry.li); }
    Chat.show(tray, chosen.length > 0);
  }

  function fail(entry, text) {
    entry.xhr = null;
    entry.failed = true;
    entry.li.className += ' failed';
    entry.progress.parentNode.replaceChild(el('span', 'error', text), entry.progress);
  }

  function upload(file) {
    var entry = {file: file, xhr: new XMLHttpRequest(), id: null};
    var li = entry.li = el('li', 'upload');
    li.appendChild(el('span', 'name', file.name || 'pasted image'));
    entry.progress = el('progress');
    entry.progress.setAttribute('max', '100');
    entry.progress.setAttribute('value', '0');
    entry.progress.setAttribute('aria-label', 'Uploading ' + (file.name || 'pasted image'));
    li.appendChild(entry.progress);
    var cancel = el('button', 'tool cancel');
    cancel.type = 'button';
    cancel.setAttribute('aria-label', 'Remove ' + (file.name || 'pasted image'));
    cancel.appendChild(Chat.icon('x'));
    cancel.addEventListener('click', function () { forget(entry); input.focus(); });
    li.appendChild(cancel);
    tray.appendChild(li);
    chosen.push(entry);
    Chat.show(tray, true);

    var xhr = entry.xhr;
    var data = new FormData();
    data.append('file', file, file.name || 'pasted.png');
    xhr.open('POST', '/api/v1/rooms/' + room + '/uploads', true);
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrf) { xhr.setRequestHeader('X-CSRFToken', csrf.getAttribute('content')); }
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) { entry.progress.setAttribute('value', String(Math.round(100 * event.loaded / event.total))); }
    };
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4 || entry.xhr !== xhr || xhr.status === 0) { return; }
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (ignored) { answer = null; }
      if (xhr.status === 201 && answer && answer.upload) {
        entry.xhr = null;
        entry.id = answer.upload.id;
        entry.progress.setAttribute('value', '100');
        li.className += ' ready';
      } else {
        fail(entry, Chat.errorMessage(xhr.status, answer));
      }
    };
    xhr.onerror = function () { if (entry.xhr === xhr) { fail(entry, Chat.errorMessage(0, null)); } };
    xhr.send(data);
  }

  function take(files) {
    for (var i = 0; i < files.length && chosen.length < MAX_FILES; i++) { upload(files[i]); }
  }

  function filesOf(transfer) {
    if (!transfer) { return []; }
    if (transfer.files && transfer.files.length) { return transfer.files; }
    var found = [];
    var items = transfer.items || [];
    for (var i = 0; i < items.length; i++) {
      if (items[i].kind === 'file' && items[i].getAsFile()) { found.push(items[i].getAsFile()); }
    }
    return found;
  }

  button.addEventListener('click', function () { input.click(); });
  input.addEventListener('change', function () {
    take(input.files);
    input.value = '';  // the form itself never sends it: the API has it
  });

  var body = Chat.$('body');
  if (body) {
    body.addEventListener('paste', function (event) {
      var files = filesOf(event.clipboardData);
      if (files.length) {
        event.preventDefault();
        take(files);
      }
    });
  }

  var chat = Chat.$('chat');
  function dragsFiles(event) {
    var types = event.dataTransfer && event.dataTransfer.types;
    if (!types) { return false; }
    for (var i = 0; i < types.length; i++) { if (types[i] === 'Files') { return true; } }
    return false;
  }
  chat.addEventListener('dragover', function (event) {
    if (!dragsFiles(event)) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    chat.className += /(^| )dropping( |$)/.test(chat.className) ? '' : ' dropping';
  });
  function leave() { chat.className = chat.className.replace(/(^| )dropping( |$)/, ' ').replace(/^ | $/g, ''); }
  chat.addEventListener('dragleave', function (event) { if (event.target === chat) { leave(); } });
  chat.addEventListener('drop', function (event) {
    var files = filesOf(event.dataTransfer);
    leave();
    if (!files.length) { return; }
    event.preventDefault();
    take(files);
  });

  Chat.on('composing', function (item) {
    var ids = [];
    for (var i = 0; i < chosen.length; i++) {
      if (chosen[i].xhr) {
        item.refused = 'Wait for ' + (chosen[i].file.name || 'the upload') + ' to finish, or remove it.';
        return;
      }
      if (chosen[i].id !== null) { ids.push(chosen[i].id); }
    }
    if (ids.length) { item.fields.attachments = ids; }
  });

  Chat.on('sent', function () {
    while (chosen.length) { forget(chosen[0]); }
  });
}(window.Chat));
