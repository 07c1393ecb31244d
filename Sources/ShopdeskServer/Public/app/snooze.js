// When a snoozed conversation wakes up, from the choices the conversation's snooze menu offers:
// a number of hours, tomorrow at nine, next Monday at nine (the agent's own clock). Pure: Node's
// test runner checks it.

/** @param {string} choice @param {Date} [now] @returns {Date | null} */
export function wakeTime(choice, now = new Date()) {
  if (/^\d+$/.test(choice)) return new Date(now.getTime() + Number(choice) * 3600_000);
  const at = new Date(now);
  at.setHours(9, 0, 0, 0);
  if (choice === 'tomorrow') {
    at.setDate(at.getDate() + 1);
    return at;
  }
  if (choice === 'monday') {
    // Monday is day 1; on a Monday, the next one.
    at.setDate(at.getDate() + (((1 - at.getDay() + 7) % 7) || 7));
    return at;
  }
  return null;
}
