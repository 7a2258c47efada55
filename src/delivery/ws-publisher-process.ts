import { serveDeliveryChild } from './child-handle.js';
import { WsPublisher, type WsPublisherOptions, type WsPublisherReport } from './ws-publisher.js';

/** Child-process entry of the WebSocket transports' publisher: it sends `streamed` once the last event is out. */
let publisher: WsPublisher | undefined;

serveDeliveryChild<WsPublisherOptions, WsPublisherReport>({
  start(options) {
    publisher = new WsPublisher(options);
    return publisher.listen();
  },
  go(startUs) {
    void publisher?.go(startUs).then(() => process.send?.({ type: 'streamed' }));
  },
  stop() {
    return publisher!.stop();
  },
});
