/**
 * Inventory's view of seats, read through the public graph as any client could:
 * `TrainRun.seatMap` leg by leg, so it works on either engine (in-process or Redis).
 */
export interface RunClassState {
  runId: string;
  seatClass: string;
  /** Per leg, the seat ids (`<coach>-<label>`) inventory has taken (sold or held). */
  takenByLeg: Array<Set<string>>;
}

interface GraphQLAnswer<T> {
  data?: T;
  errors?: Array<{ message: string }>;
}

async function query<T>(gatewayUrl: string, document: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: document, variables }),
  });
  const answer = (await response.json()) as GraphQLAnswer<T>;
  if (!answer.data || answer.errors) {
    throw new Error(`inventory state: ${response.status} ${JSON.stringify(answer.errors ?? answer)}`);
  }
  return answer.data;
}

const LEG_COUNT = 'query($id: ID!) { trainRun(id: $id) { legCount } }';
const SEAT_MAP = `query($id: ID!, $from: Int!, $to: Int!, $class: SeatClass) {
  trainRun(id: $id) { seatMap(fromStop: $from, toStop: $to, seatClass: $class) { seats { seatId free } } }
}`;

/** The seats inventory has taken in one class of a run, leg by leg. */
export async function readRunClassState(gatewayUrl: string, runId: string, seatClass: string): Promise<RunClassState> {
  const run = await query<{ trainRun: { legCount: number } | null }>(gatewayUrl, LEG_COUNT, { id: runId });
  if (!run.trainRun) throw new Error(`inventory state: run ${runId} not found`);
  const takenByLeg: Array<Set<string>> = [];
  for (let leg = 0; leg < run.trainRun.legCount; leg++) {
    const map = await query<{ trainRun: { seatMap: Array<{ seats: Array<{ seatId: string; free: boolean }> }> } }>(
      gatewayUrl,
      SEAT_MAP,
      { id: runId, from: leg, to: leg + 1, class: seatClass },
    );
    takenByLeg.push(
      new Set(map.trainRun.seatMap.flatMap((coach) => coach.seats.filter((s) => !s.free).map((s) => s.seatId))),
    );
  }
  return { runId, seatClass, takenByLeg };
}
