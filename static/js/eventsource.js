/*
 * EventSourcePolyfill: server-sent events over XMLHttpRequest, written from the
 * WHATWG HTML standard, "Server-sent events". Plain ES5 so that old browsers run it.
 *
 * Departures from a native EventSource, on purpose:
 * - the last event ID travels as a `lastEventId` query parameter, not as a
 *   Last-Event-ID header (a custom header would cost a CORS preflight);
 * - browsers without XHR progress events long-poll (`poll=1`);
 * - a silent connection (no bytes for heartbeatTimeout ms) counts as dropped;
 * - reconnects back off exponentially, with jitter, up to maxRetry ms.
 */
(function (global) {
  "use strict";

  var CONNECTING = 0, OPEN = 1, CLOSED = 2;
  // XHR keeps the whole body in memory; past this, start a fresh request.
  var MAX_RESPONSE_LENGTH = 256 * 1024;
  var LINE_BREAK = /\r\n?|\n/g;

  function positive(value, fallback) {
    return typeof value === "number" && value > 0 ? value : fallback;
  }

  function absolute(url) {
    var doc = global.document;
    if (!doc || !doc.createElement) {
      return url;
    }
    var anchor = doc.createElement("a");
    anchor.href = url;
    return anchor.href;
  }

  function originOf(url) {
    var match = /^[a-z][a-z0-9+.\-]*:\/\/[^\/?#]*/i.exec(url);
    return match ? match[0].toLowerCase() : "";
  }

  function isEventStream(contentType) {
    return String(contentType || "").split(";")[0].replace(/^\s+|\s+$/g, "").toLowerCase() === "text/event-stream";
  }

  // The URL with `poll=1` and/or our own lastEventId, keeping every other parameter.
  function requestUrl(url, lastEventId, poll) {
    if (!poll && lastEventId === "") {
      return url;
    }
    var hash = "", cut = url.indexOf("#");
    if (cut >= 0) {
      hash = url.slice(cut);
      url = url.slice(0, cut);
    }
    cut = url.indexOf("?");
    var pairs = cut >= 0 ? url.slice(cut + 1).split("&") : [];
    var kept = [];
    for (var i = 0; i < pairs.length; i++) {
      var name = pairs[i].split("=")[0];
      if (pairs[i] !== "" && !(lastEventId !== "" && name === "lastEventId") && !(poll && name === "poll")) {
        kept.push(pairs[i]);
      }
    }
    if (poll) {
      kept.push("poll=1");
    }
    if (lastEventId !== "") {
      kept.push("lastEventId=" + encodeURIComponent(lastEventId));
    }
    return (cut >= 0 ? url.slice(0, cut) : url) + "?" + kept.join("&") + hash;
  }

  function EventSourcePolyfill(url, options) {
    options = options || {};
    this.url = absolute(String(url));
    this.withCredentials = !!options.withCredentials;
    this.readyState = CONNECTING;
    this.lastEventId = "";
    this.onopen = this.onmessage = this.onerror = null;
    var transport = options.transport || "auto";
    this._poll = transport === "poll" ||
      (transport === "auto" && !("onprogress" in new XMLHttpRequest()));
    this._heartbeatTimeout = positive(options.heartbeatTimeout, 45000);
    this._maxRetry = positive(options.maxRetry, 30000);
    this._retry = 3000;
    this._failures = 0;
    this._listeners = {};
    this._origin = originOf(this.url);
    this._xhr = this._timer = this._watchdog = null;
    this._connect();
  }

  var proto = EventSourcePolyfill.prototype;
  EventSourcePolyfill.CONNECTING = proto.CONNECTING = CONNECTING;
  EventSourcePolyfill.OPEN = proto.OPEN = OPEN;
  EventSourcePolyfill.CLOSED = proto.CLOSED = CLOSED;

  proto.addEventListener = function (type, listener) {
    var list = this._listeners[type] || (this._listeners[type] = []);
    if (listener && list.indexOf(listener) < 0) {
      list.push(listener);
    }
  };

  proto.removeEventListener = function (type, listener) {
    var list = this._listeners[type] || [], i = list.indexOf(listener);
    if (i >= 0) {
      list.splice(i, 1);
    }
  };

  // Not a public dispatchEvent: a native Event would not let us set its target.
  proto._emit = function (event) {
    event.target = event.currentTarget = this;
    var handler = this["on" + event.type];
    // A copy: listeners may add or remove listeners while we iterate.
    var list = [].concat(typeof handler === "function" ? [handler] : [], this._listeners[event.type] || []);
    for (var i = 0; i < list.length; i++) {
      try {
        if (typeof list[i] === "function") {
          list[i].call(this, event);
        } else if (list[i] && typeof list[i].handleEvent === "function") {
          list[i].handleEvent(event);
        }
      } catch (error) {
        // One bad listener must not stop the stream; the console still sees the error.
        setTimeout(function () { throw error; }, 0);
      }
    }
  };

  proto.close = function () {
    this._stop();
    this.readyState = CLOSED;
  };

  proto._stop = function () {
    var xhr = this._xhr;
    this._xhr = null; // handlers of the old request check this and go quiet
    clearTimeout(this._timer);
    clearTimeout(this._watchdog);
    if (xhr) {
      try { xhr.abort(); } catch (ignore) {}
    }
  };

  proto._connect = function () {
    var self = this, xhr = new XMLHttpRequest();
    this._stop();
    this._xhr = xhr;
    this._offset = 0;
    this._state = 0;
    this._checked = false;
    this._pending = "";
    this._skipLF = false;
    this._data = "";
    this._type = "";
    this._idBuffer = this.lastEventId; // as browsers do: the id survives reconnects
    function changed() {
      if (self._xhr === xhr) {
        self._onChange(xhr);
      }
    }
    try {
      xhr.open("GET", requestUrl(this.url, this.lastEventId, this._poll), true);
      xhr.withCredentials = this.withCredentials; // after open(), for IE10
      xhr.setRequestHeader("Accept", "text/event-stream");
      xhr.setRequestHeader("Cache-Control", "no-cache");
      xhr.onreadystatechange = changed;
      if (!this._poll) {
        xhr.onprogress = changed;
      }
      xhr.send();
    } catch (error) {
      // e.g. a URL the browser refuses: report it after the caller has had a chance to listen.
      this._xhr = null;
      this._timer = setTimeout(function () { self._fail(); }, 0);
      return;
    }
    this._arm();
  };

  // Heartbeat: with no bytes for heartbeatTimeout ms the connection is presumed dead.
  proto._arm = function () {
    var self = this;
    clearTimeout(this._watchdog);
    this._watchdog = setTimeout(function () { self._reconnect(); }, this._heartbeatTimeout);
  };

  proto._onChange = function (xhr) {
    var state = xhr.readyState, status = 0, contentType = "";
    if (state < 2) {
      return;
    }
    if (state !== this._state) {
      this._state = state;
      this._arm();
    }
    if (!this._checked) {
      try { // old IE throws on status before the body starts
        status = xhr.status;
        contentType = xhr.getResponseHeader("Content-Type");
      } catch (notYet) {
        return;
      }
      if (status === 0) { // a network error, not an answer from the server
        if (state === 4) {
          this._reconnect();
        }
        return;
      }
      if (status !== 200 || !isEventStream(contentType)) {
        return this._fail();
      }
      this._checked = true;
      this._failures = 0;
      if (xhr.responseURL) {
        this._origin = originOf(xhr.responseURL);
      }
      if (this.readyState !== OPEN) {
        this.readyState = OPEN;
        this._emit({ type: "open" });
        if (this._xhr !== xhr) {
          return;
        }
      }
    }
    if (state >= 3 && (!this._poll || state === 4)) {
      this._read(xhr);
      if (this._xhr !== xhr) {
        return;
      }
    }
    if (state === 4) {
      // A poll that ended well is the normal cycle; a stream that ended is a drop.
      return this._poll && xhr.status === 200 ? this._connect() : this._reconnect();
    }
    if (this._offset > MAX_RESPONSE_LENGTH) {
      this._connect(); // lastEventId makes the server resume where this one stopped
    }
  };

  proto._read = function (xhr) {
    var text;
    try {
      text = xhr.responseText || "";
    } catch (notAvailable) {
      return;
    }
    if (text.length <= this._offset) {
      return;
    }
    this._arm();
    var chunk = text.slice(this._offset);
    if (this._offset === 0 && chunk.charAt(0) === "\uFEFF") {
      chunk = chunk.slice(1);
    }
    this._offset = text.length;
    this._parse(chunk, xhr);
  };

  proto._parse = function (chunk, xhr) {
    var start = 0, match, line;
    // A CR that ended the previous chunk already ended the line; its LF is not another one.
    if (this._skipLF && chunk.charAt(0) === "\n") {
      start = 1;
    }
    this._skipLF = false;
    LINE_BREAK.lastIndex = start;
    while ((match = LINE_BREAK.exec(chunk)) !== null) {
      line = this._pending + chunk.slice(start, match.index);
      this._pending = "";
      start = LINE_BREAK.lastIndex;
      this._skipLF = match[0] === "\r" && start === chunk.length;
      this._line(line);
      if (this._xhr !== xhr) {
        return; // a listener closed us
      }
      LINE_BREAK.lastIndex = start; // the regex is shared, and listeners ran
    }
    this._pending += chunk.slice(start);
  };

  proto._line = function (line) {
    if (line === "") {
      return this._dispatch();
    }
    if (line.charAt(0) === ":") {
      return;
    }
    var colon = line.indexOf(":"), field = line, value = "";
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.charAt(0) === " ") {
        value = value.slice(1);
      }
    }
    if (field === "data") {
      this._data += value + "\n";
    } else if (field === "event") {
      this._type = value;
    } else if (field === "id") {
      if (value.indexOf("\u0000") < 0) {
        this._idBuffer = value;
      }
    } else if (field === "retry") {
      if (/^[0-9]+$/.test(value)) {
        this._retry = parseInt(value, 10);
      }
    }
  };

  proto._dispatch = function () {
    // Even a frame without data moves the cursor: `id: 42` then a blank line.
    this.lastEventId = this._idBuffer;
    var data = this._data, type = this._type || "message";
    this._data = "";
    this._type = "";
    if (data === "") {
      return;
    }
    this._emit({
      type: type,
      data: data.slice(0, -1),
      lastEventId: this.lastEventId,
      origin: this._origin
    });
  };

  // The connection dropped: tell the page, wait, try again (the spec's "reestablish").
  proto._reconnect = function () {
    var self = this;
    this._stop();
    this.readyState = CONNECTING;
    this._emit({ type: "error" });
    if (this.readyState !== CONNECTING) {
      return; // closed from onerror
    }
    var delay = Math.min(this._retry * Math.pow(2, this._failures), this._maxRetry);
    this._failures += 1;
    // Jitter, so that clients dropped together do not come back together.
    this._timer = setTimeout(function () { self._connect(); }, delay + Math.random() * delay * 0.2);
  };

  // The server answered, but not with an event stream: give up for good (the spec's "fail").
  proto._fail = function () {
    this._stop();
    this.readyState = CLOSED;
    this._emit({ type: "error" });
  };

  global.EventSourcePolyfill = EventSourcePolyfill;
}(this));
