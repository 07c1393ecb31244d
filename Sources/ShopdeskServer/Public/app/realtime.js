// The agent's live connection: workspace events in, presence (viewing, typing, left) out.
// Reconnects with exponential backoff and says so while it is down; once a new connection
// listens again (the server's hello), `onStatus(true, true)` asks the app to catch up on what
// happened while it was away.

export class Realtime {
  constructor(onMessage, onStatus) {
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.socket = null;
    this.delay = 1000;
    this.closed = false;
    this.timer = null;
    this.heardBefore = false;
  }

  connect() {
    this.closed = false;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/api/v1/realtime`);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.delay = 1000;
      this.onStatus(true);
    });
    socket.addEventListener('message', (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; /* a frame we do not understand */ }
      if (message.type === 'hello') {
        // The server subscribed this socket before its hello: from here nothing is missed, and
        // anything from before is read again by the catch-up.
        if (this.heardBefore) this.onStatus(true, true);
        this.heardBefore = true;
      }
      this.onMessage(message);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket || this.closed) return;
      this.onStatus(false);
      this.timer = setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 30_000);
    });
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
