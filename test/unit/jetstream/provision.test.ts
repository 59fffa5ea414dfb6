import { describe, expect, it } from 'vitest';
import { MES_EVENTS } from '../../../contracts/streams.js';
import { streamConfig } from '../../../jetstream/provision.js';

describe('stream configuration', () => {
  it('leaves replicas and placement out when the layout does not set them, so an update keeps the stream\'s own', () => {
    const cfg = streamConfig(MES_EVENTS);
    expect(cfg).toMatchObject({ name: 'MES_EVENTS', subjects: ['mes.*.*.*.*'], max_age: 7 * 86_400 * 1e9, duplicate_window: 600 * 1e9 });
    expect(cfg).not.toHaveProperty('num_replicas');
    expect(cfg).not.toHaveProperty('placement');
  });

  it('asks for the layout\'s replicas and placement tags', () => {
    expect(streamConfig(MES_EVENTS, { replicas: 3, placementTags: ['site:plant1', 'ssd'] })).toMatchObject({
      num_replicas: 3,
      placement: { tags: ['site:plant1', 'ssd'] },
    });
    expect(streamConfig(MES_EVENTS, { replicas: 1 })).toMatchObject({ num_replicas: 1 });
  });
});
