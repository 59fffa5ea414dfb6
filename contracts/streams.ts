import { MACHINE_EVENT_SUBJECTS, MES_EVENTS_STREAM } from './messages/machine-event.js';
import { ERP_EVENTS_STREAM, ERP_RELEASE_SUBJECTS } from './names.js';

/**
 * Every JetStream stream of the engine, defined once: the processes that create them at start (gateway, bridge,
 * listener) must agree, or each start would flip the others' settings.
 */
export interface StreamDefinition {
  name: string;
  subjects: string[];
  maxAgeDays: number;
  /** msgID dedupe window: a republish inside it is dropped by the stream itself. */
  duplicateWindowMinutes: number;
}

export const MES_EVENTS: StreamDefinition = { name: MES_EVENTS_STREAM, subjects: [MACHINE_EVENT_SUBJECTS], maxAgeDays: 7, duplicateWindowMinutes: 10 };
export const ERP_EVENTS: StreamDefinition = { name: ERP_EVENTS_STREAM, subjects: [ERP_RELEASE_SUBJECTS], maxAgeDays: 30, duplicateWindowMinutes: 10 };
export const OPS_EXCEPTIONS: StreamDefinition = { name: 'OPS_EXCEPTIONS', subjects: ['ops.*.exception.*'], maxAgeDays: 30, duplicateWindowMinutes: 10 };
