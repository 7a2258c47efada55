import { serveDeliveryChild } from './child-handle.js';
import { HttpPublisher, type HttpPublisherOptions, type HttpPublisherReport } from './http-publisher.js';

/** Child-process entry of the sse / polling / long-polling publisher: it sends `streamed` once the last event is out. */
let publisher: HttpPublisher | undefined;

serveDeliveryChild<HttpPublisherOptions, HttpPublisherReport>({
  start(options) {
    publisher = new HttpPublisher(options);
    return publisher.listen();
  },
  go(startUs) {
    void publisher?.go(startUs).then(() => process.send?.({ type: 'streamed' }));
  },
  stop() {
    return publisher!.stop();
  },
});
