/* Browser notifications, opt-in: for mentions of you and for direct messages,
 * while this tab is hidden. Off until you turn them on here (and the browser
 * asks); "Turn off" remembers the choice for this browser. */
(function (Chat) {
  'use strict';
  var box = Chat.$('notify');
  var toggle = Chat.$('notify-on');
  var Notice = window.Notification;
  if (!box || !toggle || !Notice) { return; }  // no Notification API: nothing to offer
  var KEY = 'chat.notifications';
  var FRESH = 2 * 60 * 1000;  // a reconnect's replay of old news is not worth a popup

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (blocked) { return null; }
  }

  function store(value) {
    try { window.localStorage.setItem(KEY, value); } catch (blocked) { /* a private window: this page only */ }
    choice = value;
  }

  var choice = stored();

  function enabled() { return Notice.permission === 'granted' && choice === 'on'; }

  function offer() {
    // Denied in the browser: only the browser can undo that, so the button goes.
    Chat.show(box, Notice.permission !== 'denied');
    toggle.textContent = enabled() ? 'Turn off notifications' : 'Turn on notifications';
  }

  toggle.addEventListener('click', function () {
    if (enabled()) { store('off'); offer(); return; }
    store('on');
    if (Notice.permission === 'granted') { offer(); return; }
    var asked = Notice.requestPermission(offer);  // the callback form, for older browsers
    if (asked && asked.then) { asked.then(offer); }
  });

  function direct(roomId) { return !!document.querySelector('#dm-nav [data-room-id="' + roomId + '"]'); }

  Chat.on('message', function (m) {
    if (!enabled() || !document.hidden || m.author.id === Chat.userId) { return; }
    if (new Date() - new Date(m.created_at) > FRESH) { return; }
    var dm = direct(m.room_id);
    if (!dm && !Chat.mentions(m.html)) { return; }
    var note = new Notice(dm ? m.author.username : m.author.username + ' mentioned you',
                          {body: m.body.slice(0, 200), tag: 'chat-' + m.room_id + '-' + m.seq});
    note.onclick = function () {
      window.focus();
      window.location.href = m.url;
      note.close();
    };
  });

  offer();
}(window.Chat));
