import { serveDeliveryChild } from './child-handle.js';
import type { OutageWindow } from './outage.js';
import { WebhookSubscribers, type WebhookSubscribersOptions, type WebhookSubscribersReport } from './webhook-subscribers.js';

/** Child-process entry of the webhook transport's receivers (its own core, like a real subscriber fleet). */
export interface WebhookSubscribersChildOptions extends WebhookSubscribersOptions {
  outage: OutageWindow | undefined;
}

let subscribers: WebhookSubscribers | undefined;
let outage: OutageWindow | undefined;

serveDeliveryChild<WebhookSubscribersChildOptions, WebhookSubscribersReport>({
  start(options) {
    subscribers = new WebhookSubscribers(options);
    outage = options.outage;
    return subscribers.listen();
  },
  go(startUs) {
    subscribers?.go(startUs, outage);
  },
  stop() {
    return subscribers!.close();
  },
});
