import { createHash } from 'node:crypto';

/**
 * A JetStream msgID that is the same for the same report: `<prefix>:<first 24 hex of sha256(body)>`. Two copies of a
 * process that report the same thing (two ERP listeners' SAP pollers reading the same order change, a message
 * redelivered after its report was published) then store one message: the stream drops the twin within its
 * duplicate window (OPS_EXCEPTIONS: 10 minutes, contracts/streams.ts; NATS JetStream "message deduplication").
 */
export const contentMsgId = (prefix: string, body: string): string => `${prefix}:${createHash('sha256').update(body).digest('hex').slice(0, 24)}`;
