/**
 * Colours of the report: the Okabe–Ito palette, distinguishable with every common colour-vision
 * deficiency. Series past the eighth colour (or a run drawn in a transport's colour) get a dash pattern.
 */
export const OKABE_ITO = {
  blue: '#0072B2',
  vermillion: '#D55E00',
  bluishGreen: '#009E73',
  orange: '#E69F00',
  reddishPurple: '#CC79A7',
  skyBlue: '#56B4E9',
  yellow: '#F0E442',
  black: '#000000',
} as const;

/** Runs take the colours in this order (strong, well-separated hues first). */
const RUN_ORDER = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.vermillion,
  OKABE_ITO.yellow,
  OKABE_ITO.black,
] as const;

/** Each delivery transport keeps one colour on every chart. */
const TRANSPORT_COLOURS: Record<string, string> = {
  webhook: OKABE_ITO.blue,
  websocket: OKABE_ITO.vermillion,
  'websocket-ack': OKABE_ITO.bluishGreen,
  sse: OKABE_ITO.orange,
  polling: OKABE_ITO.reddishPurple,
  'long-polling': OKABE_ITO.skyBlue,
};
const OTHER_TRANSPORT_COLOURS = [OKABE_ITO.yellow, OKABE_ITO.black];

/** Dash patterns (Chart.js borderDash, px): solid, dashed, dotted, dash-dot, long dash. */
const DASHES: ReadonlyArray<readonly number[]> = [[], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4]];

/** How one series is drawn: its colour and dash. */
export interface SeriesLook {
  colour: string;
  dash: number[];
}

export function runColour(run: number): string {
  return RUN_ORDER[run % RUN_ORDER.length] ?? OKABE_ITO.blue;
}

/** A run's look when runs are the series: the colour, and a dash once the colours repeat. */
export function runLook(run: number): SeriesLook {
  return { colour: runColour(run), dash: [...dashOf(Math.floor(run / RUN_ORDER.length))] };
}

/** A transport's colour; unknown transports take the remaining hues in first-seen order. */
export function transportColour(transport: string, firstSeen: readonly string[]): string {
  const known = TRANSPORT_COLOURS[transport];
  if (known !== undefined) return known;
  const others = firstSeen.filter((name) => TRANSPORT_COLOURS[name] === undefined);
  return OTHER_TRANSPORT_COLOURS[Math.max(0, others.indexOf(transport)) % OTHER_TRANSPORT_COLOURS.length] ?? OKABE_ITO.black;
}

/** A run × transport series: colour from the transport, dash from the run (run 1 solid). */
export function runTransportLook(run: number, transport: string, transports: readonly string[]): SeriesLook {
  return { colour: transportColour(transport, transports), dash: [...dashOf(run)] };
}

function dashOf(index: number): readonly number[] {
  return DASHES[index % DASHES.length] ?? [];
}
