// The line under a received email: verified, disowned by its domain, or unknown.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mailAuthSummary } from '../../Sources/ShopdeskServer/Public/app/mail-auth.js';

test('a message its domain vouches for is verified, with every result in the details', () => {
  const summary = mailAuthSummary({ spf: 'pass', spf_domain: 'kupac.hr', dkim: [{ result: 'pass', domain: 'kupac.hr', selector: 's1' }],
    dmarc: { result: 'pass', policy: 'reject', domain: 'kupac.hr' } });
  assert.deepEqual(summary, { state: 'verified', domain: 'kupac.hr', details: 'SPF pass (kupac.hr) · DKIM pass (kupac.hr) · DMARC pass' });
});

test('a DMARC failure is unverified; no policy or no answer is unknown; nothing checked is nothing', () => {
  assert.equal(mailAuthSummary({ spf: 'fail', dkim: [], dmarc: { result: 'fail', policy: 'reject', domain: 'kupac.hr' } })?.state, 'unverified');
  assert.equal(mailAuthSummary({ spf: 'none', dmarc: { result: 'none' } })?.state, 'unknown');
  assert.equal(mailAuthSummary({ spf: 'none', dmarc: { result: 'temperror' } })?.details, 'SPF none · DKIM none · DMARC temperror');
  assert.equal(mailAuthSummary(null), null);
});
