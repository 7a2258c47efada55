/** The pipeline's subscribers of one kind (websocket, sse): all held before the first webhook, closed at the end. */
export interface PipelineSubscribers {
  /** Connects every subscriber at the configured rate; resolves when all are held, rejects with the first failure. */
  connectAll(signal?: AbortSignal): Promise<void>;
  /** Closes every subscriber; no reconnects from then on. */
  close(): void;
}
