// What a received email's SPF, DKIM and DMARC results say about its sender, for the line under
// the message. Pure: the thread renders it.

/**
 * @typedef {{ result: string, domain: string, selector: string, reason?: string }} DkimResult
 * @typedef {{ spf?: string, spf_domain?: string, dkim?: DkimResult[], dmarc?: { result: string, policy?: string, domain?: string } }} MailAuth
 */

/** `verified` (the From domain vouches for it), `unverified` (it disowns it: DMARC failed) or
 * `unknown` (no policy, or DNS did not answer), with the results in one line for a tooltip.
 * @param {MailAuth | null | undefined} auth
 * @returns {{ state: 'verified' | 'unverified' | 'unknown', domain: string, details: string } | null} */
export function mailAuthSummary(auth) {
  if (!auth || typeof auth !== 'object') return null;
  const dkim = (auth.dkim ?? []).map((signature) => `DKIM ${signature.result} (${signature.domain})`);
  const details = [`SPF ${auth.spf ?? 'none'}${auth.spf_domain ? ` (${auth.spf_domain})` : ''}`,
    ...(dkim.length ? dkim : ['DKIM none']), `DMARC ${auth.dmarc?.result ?? 'none'}`].join(' · ');
  const result = auth.dmarc?.result;
  const state = result === 'pass' ? 'verified' : result === 'fail' ? 'unverified' : 'unknown';
  return { state, domain: auth.dmarc?.domain ?? '', details };
}
