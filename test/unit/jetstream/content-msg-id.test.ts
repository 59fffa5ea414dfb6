import { describe, expect, it } from 'vitest';
import { contentMsgId } from '../../../jetstream/content-msg-id.js';

describe('msgIDs of reports two process copies may both send', () => {
  it('are the same for the same report and differ when anything in it differs', () => {
    const body = JSON.stringify({ reason: 'order 1 of site s is closed', erpOrderId: '1' });
    expect(contentMsgId('sap-poller:s:1', body)).toBe(contentMsgId('sap-poller:s:1', body));
    expect(contentMsgId('sap-poller:s:1', body)).toMatch(/^sap-poller:s:1:[0-9a-f]{24}$/);
    expect(contentMsgId('sap-poller:s:1', body)).not.toBe(contentMsgId('sap-poller:s:1', body.replace('closed', 'unplaced')));
    expect(contentMsgId('sap-poller:s:1', body)).not.toBe(contentMsgId('refused:erp-listener:s:1', body));
  });
});
