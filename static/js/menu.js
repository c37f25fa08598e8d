/* Menus and questions made of <details>, as templates/rooms/_member_actions.html
 * and the Leave button render them, so they work without script too. Here they
 * behave like menus: one open at a time, closed by Escape (focus goes back to
 * what opened it) or a click elsewhere; opening a question ("Ban bob?") puts
 * focus on its answer. Members who join while the page is open get the same
 * menu, built from the plain forms static/js/presence.js gives them. */
(function (Chat) {
  'use strict';
  var MENU = 'member-menu';
  var QUESTION = 'confirm';

  // The same words as the template's, keyed by the last part of the form's path.
  var ASKS = {
    remove: ['user-x', 'Remove', ' out of this room? They may join again.', 'Take '],
    ban: ['ban', 'Ban', ' from this room? They are taken out and cannot join again.', 'Ban ']
  };

  // An SVG element's className is no string: read the attribute.
  function has(el, name) {
    return el.nodeType === 1 && (' ' + (el.getAttribute('class') || '') + ' ').indexOf(' ' + name + ' ') !== -1;
  }

  function up(el, test) {
    for (; el && el.nodeType === 1; el = el.parentNode) { if (test(el)) { return el; } }
    return null;
  }

  function disclosure(el) { return el.tagName === 'DETAILS' && (has(el, MENU) || has(el, QUESTION)); }

  function openOnes() {
    var all = document.querySelectorAll('details.' + MENU + '[open], details.' + QUESTION + '[open]');
    var out = [];
    for (var i = 0; i < all.length; i++) { out.push(all[i]); }
    return out;
  }

  function shut(details) {
    details.removeAttribute('open');
    var inner = details.querySelectorAll('details[open]');
    for (var i = 0; i < inner.length; i++) { inner[i].removeAttribute('open'); }
  }

  // `toggle` does not bubble, but a capturing listener on the document hears it.
  // It comes as a later task, and Chromium runs input first: a quick keyboard may
  // have opened a question inside this menu before the menu hears it opened, so
  // what it holds stays open, as what holds it does.
  document.addEventListener('toggle', function (event) {
    var details = event.target;
    if (!details.open || !disclosure(details)) { return; }
    var others = openOnes();
    for (var i = 0; i < others.length; i++) {
      var other = others[i];
      if (other !== details && !other.contains(details) && !details.contains(other)) { shut(other); }
    }
    if (has(details, QUESTION)) {
      var answer = details.querySelector('button[type=submit]');
      if (answer) { answer.focus(); }
    }
  }, true);

  document.addEventListener('click', function (event) {
    var open = openOnes();
    for (var i = 0; i < open.length; i++) {
      if (!open[i].contains(event.target)) { shut(open[i]); }
    }
  });

  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape' && event.key !== 'Esc') { return; }
    var details = up(document.activeElement, function (el) { return disclosure(el) && el.open; });
    if (!details) { return; }
    event.preventDefault();  // this Escape is spent: the drawer around it stays open
    shut(details);
    details.querySelector('summary').focus();
  });

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text) { el.appendChild(document.createTextNode(text)); }
    return el;
  }

  function summary(className, glyph, text, hidden) {
    var el = element('summary', className);
    el.appendChild(Chat.icon(glyph));
    if (hidden) {
      el.appendChild(element('span', 'visually-hidden', text));
    } else {
      el.appendChild(document.createTextNode(text));
    }
    return el;
  }

  /* A Remove or Ban form becomes the answer to its question. */
  function question(form, name) {
    var ask = ASKS[form.getAttribute('action').split('/').pop()];
    if (!ask) { return form; }
    var button = form.querySelector('button');
    button.className = 'danger';
    button.removeAttribute('aria-label');
    button.textContent = ask[1] + ' ' + name;
    var body = element('div', 'confirm-body');
    body.appendChild(element('p', null, ask[3] + name + ask[2]));
    body.appendChild(form);
    var details = element('details', QUESTION);
    details.appendChild(summary('menu-item danger', ask[0], ask[1]));
    details.appendChild(body);
    return details;
  }

  /* presence.js's row of plain forms, as the template's menu. */
  function upgrade(li) {
    var plain = li.querySelector('.member-actions');
    if (!plain || up(plain, function (el) { return has(el, MENU); })) { return; }
    var forms = plain.querySelectorAll('form');
    if (!forms.length) { li.removeChild(plain); return; }
    var name = li.getAttribute('data-username');
    var menu = element('div', 'menu member-actions');
    for (var i = 0; i < forms.length; i++) {
      forms[i].className = '';
      var button = forms[i].querySelector('button');
      if (has(button, 'danger')) {
        menu.appendChild(question(forms[i], name));
      } else {
        button.className = 'menu-item';
        button.insertBefore(Chat.icon('message'), button.firstChild);
        menu.appendChild(forms[i]);
      }
    }
    var details = element('details', MENU);
    var opener = summary('menu-button', 'more', 'Actions for ' + name, true);
    opener.setAttribute('title', 'Actions for ' + name);
    details.appendChild(opener);
    details.appendChild(menu);
    li.replaceChild(details, plain);
  }

  var list = Chat.$('members');
  if (list && window.MutationObserver) {
    new MutationObserver(function (changes) {
      for (var i = 0; i < changes.length; i++) {
        for (var j = 0; j < changes[i].addedNodes.length; j++) {
          var node = changes[i].addedNodes[j];
          if (node.nodeType === 1 && node.getAttribute('data-user-id')) { upgrade(node); }
        }
      }
    }).observe(list, {childList: true});
  }
}(window.Chat));
