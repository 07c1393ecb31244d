// The agent's live connection: backoff, the resume cursor, and a connection attempt that hangs.

import { test, mock } from 'node:test';
import assert from 'node:assert/strict';

/** A WebSocket that does nothing until the test says so. */
class FakeSocket extends EventTarget {
  static CONNECTING = 0; static OPEN = 1; static CLOSING = 2; static CLOSED = 3;
  /** @type {FakeSocket[]} */ static made = [];
  constructor(url) { super(); this.url = url; this.readyState = 0; FakeSocket.made.push(this); }
  open() { this.readyState = 1; this.dispatchEvent(new Event('open')); }
  receive(data) { const event = new Event('message'); Object.assign(event, { data: JSON.stringify(data) }); this.dispatchEvent(event); }
  /** What the browser does: closing is asynchronous, and a hung attempt may never report at all. */
  close() { this.readyState = 3; }
  lost() { this.readyState = 3; this.dispatchEvent(new Event('close')); }
}

Object.assign(globalThis, { WebSocket: FakeSocket, location: { protocol: 'http:', host: 'desk.example' } });
const { Realtime } = await import('../../Sources/ShopdeskServer/Public/app/realtime.js');

test('a lost connection is retried with backoff and resumes after the last event seen', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  FakeSocket.made = [];
  const statuses = [];
  const realtime = new Realtime(() => {}, (online, reconnected = false) => statuses.push([online, reconnected]));
  realtime.connect();
  FakeSocket.made[0].open();
  FakeSocket.made[0].receive({ type: 'hello', last_event_id: 500 });
  FakeSocket.made[0].receive({ id: 501, type: 'message.created' });
  FakeSocket.made[0].lost();
  assert.deepEqual(statuses.at(-1), [false, false]);
  mock.timers.tick(999);
  assert.equal(FakeSocket.made.length, 1);
  mock.timers.tick(1);
  assert.equal(FakeSocket.made[1].url, 'ws://desk.example/api/v1/realtime?after=401');
  FakeSocket.made[1].lost();
  mock.timers.tick(2000);
  assert.equal(FakeSocket.made.length, 3, 'the second try waits twice as long');
  FakeSocket.made[2].open();
  assert.deepEqual(statuses.at(-1), [true, false]);
  realtime.close();
  mock.timers.reset();
});

test('an attempt that neither opens nor fails is given up after ten seconds', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  FakeSocket.made = [];
  const statuses = [];
  const realtime = new Realtime(() => {}, (online) => statuses.push(online));
  realtime.connect();
  mock.timers.tick(10_000);
  assert.equal(FakeSocket.made[0].readyState, 3, 'the hung attempt is closed');
  assert.deepEqual(statuses, [false]);
  mock.timers.tick(1000);
  assert.equal(FakeSocket.made.length, 2, 'and the next one tried');
  // The hung socket's own close, if it ever comes, schedules nothing more.
  FakeSocket.made[0].lost();
  FakeSocket.made[1].open();
  mock.timers.tick(60_000);
  assert.equal(FakeSocket.made.length, 2);
  assert.deepEqual(statuses, [false, true]);
  realtime.close();
  mock.timers.reset();
});

test('back online, a connection waiting out its backoff tries at once', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  FakeSocket.made = [];
  const realtime = new Realtime(() => {}, () => {});
  realtime.connect();
  for (let attempt = 0; attempt < 4; attempt += 1) {
    FakeSocket.made.at(-1).lost();
    mock.timers.tick(realtime.delay / 2 + 1);   // the backoff has grown past this
  }
  FakeSocket.made.at(-1).lost();              // now waiting 16 s for the next try
  const before = FakeSocket.made.length;
  realtime.nudge();
  assert.equal(FakeSocket.made.length, before + 1, 'a new attempt at once');
  realtime.nudge();
  assert.equal(FakeSocket.made.length, before + 1, 'not while one is under way');
  realtime.close();
  mock.timers.reset();
});

test('a server shutting down names when to come back, and the app does not hear of it', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  FakeSocket.made = [];
  const heard = [];
  const realtime = new Realtime((message) => heard.push(message.type), () => {});
  realtime.connect();
  FakeSocket.made[0].open();
  FakeSocket.made[0].receive({ type: 'hello', last_event_id: 10 });
  FakeSocket.made[0].receive({ type: 'reconnect', after_ms: 300 });
  FakeSocket.made[0].lost();
  mock.timers.tick(299);
  assert.equal(FakeSocket.made.length, 1);
  mock.timers.tick(1);
  assert.equal(FakeSocket.made.length, 2, 'after the moment the server named, not the backoff');
  assert.deepEqual(heard, ['hello']);
  realtime.close();
  mock.timers.reset();
});
