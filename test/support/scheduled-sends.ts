/** The inputs of the sends a workflow run scheduled, read back from its history. */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { SendMessageInput } from '../../src/workflows/contract.js';
import { dataConverterOf } from './codec.js';

/** sendEmail and sendSms inputs in the order the run scheduled them, decrypted with the tests' codec. */
export async function scheduledSendInputs(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<SendMessageInput[]> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const codecs = dataConverterOf().payloadCodecs ?? [];
  const out: SendMessageInput[] = [];
  for (const e of history.events ?? []) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (!['sendEmail', 'sendSms'].includes(scheduled?.activityType?.name ?? '')) continue;
    let payloads = (scheduled!.input?.payloads ?? []) as Payload[];
    for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
    out.push(defaultPayloadConverter.fromPayload<SendMessageInput>(payloads[0]!));
  }
  return out;
}
