// The agent's live connection: workspace events in, presence (viewing, typing, left) out.
// Reconnects with exponential backoff and says so while it is down. It remembers the last event
// it saw: a new connection asks the server for what happened since (`?after=`), which the server
// replays from its event log before the live stream; only when that is too much (`resync`), or no
// event was ever seen, does `onStatus(true, true)` ask the app to read everything again. A server
// shutting down says `reconnect` first, with how long to wait.

/** Event ids are given out before their transactions commit, so a later id can commit first: a
 * reconnect asks from a little before the newest id seen and drops the repeats it already has. */
const MARGIN = 100;
const REMEMBERED = 400;
const CONNECT_TIMEOUT = 10_000;

export class Realtime {
  constructor(onMessage, onStatus) {
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.socket = null;
    this.delay = 1000;
    this.closed = false;
    this.timer = null;
    this.heardBefore = false;
    /** @type {number | null} */
    this.lastEventId = null;
    /** The ids of the latest events handled, oldest first. @type {number[]} */
    this.recent = [];
  }

  connect() {
    this.closed = false;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const after = this.lastEventId === null ? '' : `?after=${Math.max(0, this.lastEventId - MARGIN)}`;
    const socket = new WebSocket(`${scheme}//${location.host}/api/v1/realtime${after}`);
    this.socket = socket;
    // A connection attempt into a network that drops packets can hang for minutes before it
    // fails: one not open within CONNECT_TIMEOUT is given up and the next one tried.
    const watchdog = setTimeout(() => {
      if (socket.readyState === WebSocket.OPEN) return;
      this.retry(socket);
      socket.close();
    }, CONNECT_TIMEOUT);
    socket.addEventListener('open', () => {
      clearTimeout(watchdog);
      this.delay = 1000;
      this.onStatus(true);
    });
    socket.addEventListener('message', (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; /* a frame we do not understand */ }
      if (message.type === 'hello') {
        // Subscribed before its hello: from here nothing is missed. Without a cursor the app
        // reads everything again; with one, the server replays what was missed next.
        if (this.heardBefore && !message.replay) this.onStatus(true, true);
        if (this.lastEventId === null && typeof message.last_event_id === 'number') this.lastEventId = message.last_event_id;
        this.heardBefore = true;
      } else if (message.type === 'resync') {
        this.onStatus(true, true);
        return;
      } else if (message.type === 'reconnect') {
        // This server is shutting down: come back after the moment it names (spread so its
        // agents do not all arrive at once), to another node or to it restarted.
        if (typeof message.after_ms === 'number') this.delay = Math.max(0, Math.min(message.after_ms, 30_000));
        return;
      }
      if (typeof message.id === 'number') {
        if (this.recent.includes(message.id)) return;   // a repeat from the replay's margin
        this.recent.push(message.id);
        if (this.recent.length > REMEMBERED) this.recent.shift();
        this.lastEventId = Math.max(this.lastEventId ?? 0, message.id);
      }
      this.onMessage(message);
    });
    socket.addEventListener('close', () => {
      clearTimeout(watchdog);
      this.retry(socket);
    });
  }

  /** Schedules the next connection once `socket` is lost (once, however it was noticed). */
  retry(socket) {
    if (this.socket !== socket || this.closed) return;
    this.socket = null;
    this.onStatus(false);
    this.timer = setTimeout(() => this.connect(), this.delay);
    this.delay = Math.min(this.delay * 2, 30_000);
  }

  /** The network came back or the tab was looked at again: a connection waiting out its backoff
   * (up to 30 s) tries now, from the first delay. */
  nudge() {
    if (this.closed || this.socket) return;
    clearTimeout(this.timer);
    this.delay = 1000;
    this.connect();
  }

  presence(conversationId, state, reply = false) {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: 'presence', conversation_id: conversationId, state, reply }));
    }
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.close();
  }
}
