import protobuf from 'protobufjs';
import snappy from 'snappyjs';

/** One series of a remote-write request: its labels (sorted by name, `__name__` among them) and samples. */
export interface TimeSeries {
  labels: Array<{ name: string; value: string }>;
  samples: Array<{ value: number; timestamp: number }>;
}

/**
 * The few messages of Prometheus remote write 1.0 (prometheus/prompb types.proto + remote.proto),
 * defined by reflection so no .proto file is compiled: WriteRequest { repeated TimeSeries
 * timeseries = 1 }, TimeSeries { repeated Label labels = 1; repeated Sample samples = 2 }.
 */
const root = new protobuf.Root().define('prometheus');
root.add(new protobuf.Type('Label').add(new protobuf.Field('name', 1, 'string')).add(new protobuf.Field('value', 2, 'string')));
root.add(new protobuf.Type('Sample').add(new protobuf.Field('value', 1, 'double')).add(new protobuf.Field('timestamp', 2, 'int64')));
root.add(
  new protobuf.Type('TimeSeries').add(new protobuf.Field('labels', 1, 'Label', 'repeated')).add(new protobuf.Field('samples', 2, 'Sample', 'repeated')),
);
root.add(new protobuf.Type('WriteRequest').add(new protobuf.Field('timeseries', 1, 'TimeSeries', 'repeated')));
const writeRequestType = root.lookupType('prometheus.WriteRequest');

// protobufjs generates its encoder on first use (tens of ms): do it now, at import, not during a run.
encodeWriteRequest([{ labels: [{ name: '__name__', value: 'warm_up' }], samples: [{ value: 0, timestamp: 0 }] }]);

/** The remote-write body: the protobuf WriteRequest, snappy block-compressed. */
export function encodeWriteRequest(timeseries: readonly TimeSeries[]): Buffer {
  const bytes = writeRequestType.encode({ timeseries }).finish();
  return Buffer.from(snappy.compress(bytes));
}

/** The inverse of encodeWriteRequest (tests read back what was sent). */
export function decodeWriteRequest(body: Uint8Array): TimeSeries[] {
  const message = writeRequestType.decode(snappy.uncompress(new Uint8Array(body)));
  const object = writeRequestType.toObject(message, { longs: Number, defaults: true }) as { timeseries: TimeSeries[] };
  return object.timeseries;
}
