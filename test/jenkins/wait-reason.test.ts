import { describe, expect, it } from 'vitest';
import { waitReason } from '../../src/collectors/jenkins/sample.js';

/** Jenkins' CauseOfBlockage messages, as /queue/api/json gives them in `why`. */
describe('why a queued Jenkins build waits', () => {
  it.each([
    ['Waiting for next available executor', 'executor', null],
    ['Waiting for next available executor on ‘linux’', 'executor', 'linux'],
    ['There are no nodes with the label ‘docker’', 'no_agent', 'docker'],
    ['‘agent-3’ is offline', 'no_agent', 'agent-3'],
    ['All nodes of label ‘gpu’ are offline', 'no_agent', 'gpu'],
    ['Build #5 is already in progress (ETA: 2 min 3 sec)', 'in_progress', null],
    ['In the quiet period. Expires in 4.9 sec', 'quiet_period', null],
    ['Waiting for upstream project to finish', 'other', null],
    [null, 'other', null],
  ])('%s', (why, reason, label) => {
    expect(waitReason(why)).toEqual({ reason, label });
  });
});
