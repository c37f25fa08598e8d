/* The page's shared plumbing: who is reading, JSON calls to the API, and a
 * small event bus that stream.js feeds and every behaviour listens to. */
(function (global) {
  'use strict';
  var body = document.body;
  var listeners = {};
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var SVG = 'http://www.w3.org/2000/svg';

  // The no-JS layout (a room opening at its newest without script) gives way
  // to history.js, which scrolls the ordinary way.
  var root = document.documentElement;
  root.className = root.className.replace(/\bno-js\b/, 'js');

  function rethrow(error) {
    // One behaviour's bug must not stop the others; the console still shows it.
    setTimeout(function () { throw error; }, 0);
  }

  var Chat = {
    userId: Number(body.getAttribute('data-user-id')),
    username: body.getAttribute('data-username') || '',

    $: function (id) { return document.getElementById(id); },

    /* Show or hide through the attribute: IE10 has no `hidden` property. */
    show: function (el, visible) {
      if (visible) { el.removeAttribute('hidden'); } else { el.setAttribute('hidden', ''); }
    },

    on: function (type, fn) {
      (listeners[type] = listeners[type] || []).push(fn);
    },

    emit: function (type, data) {
      var list = listeners[type] || [];
      for (var i = 0; i < list.length; i++) {
        try { list[i](data); } catch (error) { rethrow(error); }
      }
    },

    /* done(status, json): status 0 means the network failed (or timed out). */
    api: function (method, path, payload, done) {
      var xhr = new XMLHttpRequest();
      var finished = false;
      function finish(status) {
        if (finished) { return; }
        finished = true;
        var data = null;
        try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (ignored) { data = null; }
        if (done) { done(status, data); }
      }
      xhr.open(method, '/api/v1' + path, true);
      xhr.setRequestHeader('Accept', 'application/json');
      if (csrf) { xhr.setRequestHeader('X-CSRFToken', csrf.getAttribute('content')); }
      xhr.timeout = 20000;
      xhr.onreadystatechange = function () {
        if (xhr.readyState === 4 && xhr.status !== 0) { finish(xhr.status); }
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () { finish(0); };
      if (payload === null || payload === undefined) {
        xhr.send();
      } else {
        xhr.setRequestHeader('Content-Type', 'application/json');
        xhr.send(JSON.stringify(payload));
      }
    },

    errorMessage: function (status, data) {
      if (data && data.error && data.error.message) { return data.error.message; }
      return status ? 'The server answered ' + status + '. Please try again.' : 'No connection to the server.';
    },

    /* One of templates/_icons.html's symbols, as the Jinja macro `icon` makes
     * it: decorative, so the button or link around it carries the name. */
    icon: function (name) {
      var svg = document.createElementNS(SVG, 'svg');
      var use = document.createElementNS(SVG, 'use');
      svg.setAttribute('class', 'icon');
      svg.setAttribute('aria-hidden', 'true');
      use.setAttribute('href', '#i-' + name);
      svg.appendChild(use);
      return svg;
    },

    /* A message's toolbar (edit, delete, react, reply ...): found, or made
     * first in the message, so that it floats beside the text (app.css) and
     * not in .meta, which a grouped message hides. Each behaviour adds its own
     * buttons to it. */
    toolbar: function (li) {
      var actions = li.querySelector('.actions');
      if (actions) { return actions; }
      actions = document.createElement('div');
      actions.className = 'actions';
      actions.setAttribute('role', 'group');
      actions.setAttribute('aria-label', 'Message actions');
      li.insertBefore(actions, li.firstChild);
      li.setAttribute('tabindex', '-1');
      return actions;
    },

    /* The reader's own @mentions under `root`, which holds a message's html as
     * the server rendered it (chat.render marks each mention
     * <span class="mention" data-user="username">). */
    myMentions: function (root) {
      var found = [];
      var all = root.querySelectorAll('.mention[data-user]');
      for (var i = 0; i < all.length; i++) {
        if (all[i].getAttribute('data-user') === Chat.username) { found.push(all[i]); }
      }
      return found;
    },

    /* Whether a message's rendered `html` mentions the reader: read in a
     * detached document, where nothing in it loads or runs. */
    mentions: function (html) {
      if (!html || !Chat.username || html.indexOf('data-user') < 0) { return false; }
      var doc = document.implementation.createHTMLDocument('');
      doc.body.innerHTML = html;
      return Chat.myMentions(doc.body).length > 0;
    },

    /* A fresh client_id: 32 hex digits, from the browser's crypto where it has one. */
    newId: function () {
      var bytes = [];
      var cryptoObj = window.crypto || window.msCrypto;
      if (cryptoObj && cryptoObj.getRandomValues) {
        var random = new Uint8Array(16);
        cryptoObj.getRandomValues(random);
        for (var i = 0; i < 16; i++) { bytes.push(random[i]); }
      } else {
        for (var j = 0; j < 16; j++) { bytes.push(Math.floor(Math.random() * 256)); }
      }
      var hex = '';
      for (var k = 0; k < bytes.length; k++) { hex += (bytes[k] < 16 ? '0' : '') + bytes[k].toString(16); }
      return hex;
    },

    /* The room this page shows, or null (the directory). */
    roomId: null
  };

  var chat = document.getElementById('chat');
  if (chat) { Chat.roomId = Number(chat.getAttribute('data-room-id')); }
  global.Chat = Chat;
}(this));
