/* On narrow screens the members and the room's details are a drawer (app.css
 * hides the panel and shows the header's Members button below 56rem). Without
 * script that button is a link whose target shows the panel; here it opens and
 * closes it in place: Escape, the close button or a click outside close it, and
 * focus goes back to the button. The button's count follows the members list,
 * and the one-line strip of rooms opens scrolled to the current one. */
(function (Chat) {
  'use strict';
  var toggle = Chat.$('members-toggle');
  var panel = Chat.$('room-details');
  var closer = Chat.$('drawer-close');
  if (!toggle || !panel || !closer) { return; }

  function isOpen() { return /(^|\s)open(\s|$)/.test(panel.className); }

  function set(open) {
    panel.className = panel.className.replace(/(^|\s)open(?=\s|$)/g, '') + (open ? ' open' : '');
    document.body.className = document.body.className.replace(/(^|\s)drawer-open(?=\s|$)/g, '') +
      (open ? ' drawer-open' : '');
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  }

  function open() {
    set(true);
    closer.focus();
  }

  function close(refocus) {
    if (!isOpen()) { return; }
    set(false);
    if (refocus) { toggle.focus(); }
  }

  // Links that now act in place: buttons to assistive technology, and to Space.
  function asButton(link, act) {
    link.setAttribute('role', 'button');
    link.addEventListener('click', function (event) { event.preventDefault(); act(); });
    link.addEventListener('keydown', function (event) {
      if (event.key === ' ' || event.key === 'Spacebar') { event.preventDefault(); act(); }
    });
  }
  asButton(toggle, function () { if (isOpen()) { close(true); } else { open(); } });
  asButton(closer, function () { close(true); });
  toggle.setAttribute('aria-expanded', 'false');

  document.addEventListener('keydown', function (event) {
    // menu.js spends an Escape that closes one of its menus first.
    if ((event.key === 'Escape' || event.key === 'Esc') && !event.defaultPrevented && isOpen()) { close(true); }
  });

  document.addEventListener('click', function (event) {
    if (isOpen() && !panel.contains(event.target) && !toggle.contains(event.target)) { close(false); }
  });

  var strip = document.querySelector('nav.sidebar');
  var current = strip && strip.querySelector('a[aria-current=page]');
  if (current && strip.scrollWidth > strip.clientWidth) {
    var shown = current.getBoundingClientRect();
    strip.scrollLeft += shown.left - strip.getBoundingClientRect().left - (strip.clientWidth - shown.width) / 2;
  }

  var list = Chat.$('members');
  var count = Chat.$('member-count');
  if (list && count && window.MutationObserver) {
    new MutationObserver(function () {
      count.textContent = String(list.querySelectorAll('li[data-user-id]').length);
    }).observe(list, {childList: true});
  }
}(window.Chat));
