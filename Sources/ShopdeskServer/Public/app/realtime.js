// The agent's live connection: workspace events in, presence (viewing, typing, left) out.
// Reconnects with exponential backoff and says so while it is down.

export class Realtime {
  constructor(onMessage, onStatus) {
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.socket = null;
    this.delay = 1000;
    this.closed = false;
    this.timer = null;
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
      try { this.onMessage(JSON.parse(event.data)); } catch { /* a frame we do not understand */ }
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
