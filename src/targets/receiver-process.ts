import { holdStopSignals } from '../process/stop-signals.js';
import { buildWebhookReceiver, type ReceiverOptions } from './webhook-receiver.js';

/**
 * Child-process entry of the built-in receiver: it gets its options over IPC, listens on
 * 127.0.0.1:0, reports its port, and on "stop" closes and sends back what it measured. It exits
 * when the parent goes away (IPC disconnect), so it cannot outlive a run; SIGINT and SIGTERM do not
 * end it (holdStopSignals: the parent decides how a run ends and asks for the numbers).
 */
type ParentMessage = { type: 'start'; options: ReceiverOptions; port: number } | { type: 'reset' } | { type: 'stop' };

process.on('disconnect', () => process.exit(0));
holdStopSignals();

let receiver: ReturnType<typeof buildWebhookReceiver> | undefined;

process.on('message', (message: ParentMessage) => {
  void handle(message).catch((error: unknown) => {
    process.send?.({ type: 'error', message: (error as Error).message });
  });
});

async function handle(message: ParentMessage): Promise<void> {
  if (message.type === 'start') {
    receiver = buildWebhookReceiver(message.options);
    await receiver.app.listen({ host: '127.0.0.1', port: message.port });
    const address = receiver.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.send?.({ type: 'ready', port });
    return;
  }
  if (message.type === 'reset' && receiver) {
    receiver.reset();
    process.send?.({ type: 'reset-done' });
    return;
  }
  if (message.type === 'stop' && receiver) {
    await receiver.app.close();
    const usage = process.resourceUsage();
    const snapshot = receiver.snapshot();
    process.send?.(
      {
        type: 'stats',
        snapshot,
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
        maxRssBytes: usage.maxRSS * 1024,
      },
      () => process.exit(0),
    );
  }
}
