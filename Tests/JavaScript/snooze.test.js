// When a snoozed conversation wakes up, on the agent's clock.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wakeTime } from '../../Sources/ShopdeskServer/Public/app/snooze.js';

test('hours from now, tomorrow at nine, next Monday at nine', () => {
  const wednesday = new Date(2026, 11, 2, 17, 30);   // Wednesday 2 December 2026, 17:30 local
  assert.equal(wakeTime('4', wednesday).getTime(), wednesday.getTime() + 4 * 3600_000);
  assert.deepEqual(wakeTime('tomorrow', wednesday), new Date(2026, 11, 3, 9, 0));
  assert.deepEqual(wakeTime('monday', wednesday), new Date(2026, 11, 7, 9, 0));
  // On a Monday, next Monday; on a Sunday, the day after.
  assert.deepEqual(wakeTime('monday', new Date(2026, 11, 7, 8, 0)), new Date(2026, 11, 14, 9, 0));
  assert.deepEqual(wakeTime('monday', new Date(2026, 11, 6, 22, 0)), new Date(2026, 11, 7, 9, 0));
  // Across a month's end.
  assert.deepEqual(wakeTime('tomorrow', new Date(2026, 11, 31, 23, 0)), new Date(2027, 0, 1, 9, 0));
  assert.equal(wakeTime('pick', wednesday), null);
});
