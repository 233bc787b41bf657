import protobuf from 'protobufjs';

/** `trip.schedule_relationship` numbers of GTFS-Realtime. */
export const SCHEDULED = 0;
export const ADDED = 1;
export const CANCELED = 3;

export interface EntitySpec {
  id: string;
  /** A TripUpdate naming this trip; absent for a vehicle position entity. */
  trip?: { tripId?: string; startDate?: string; relationship?: number };
  /** Seconds of delay, as a stop time update and the trip's own `delay`. */
  delaySeconds?: number;
}

/**
 * A GTFS-Realtime FeedMessage written field by field with the specification's numbers
 * (gtfs-realtime.proto), independently of the schema trains decodes with, so that a wrong field
 * number on either side shows.
 */
export function feedMessage(entities: EntitySpec[]): Uint8Array {
  const LEN = 2;
  const VARINT = 0;
  const tag = (field: number, wireType: number) => (field << 3) | wireType;
  const w = protobuf.Writer.create();
  // FeedMessage.header = 1: gtfs_realtime_version = 1, incrementality = 2 (FULL_DATASET), timestamp = 3.
  w.uint32(tag(1, LEN)).fork();
  w.uint32(tag(1, LEN)).string('2.0');
  w.uint32(tag(2, VARINT)).int32(0);
  w.uint32(tag(3, VARINT)).uint64(1_780_000_000);
  w.ldelim();
  for (const entity of entities) {
    // FeedMessage.entity = 2: id = 1, trip_update = 3, vehicle = 4.
    w.uint32(tag(2, LEN)).fork();
    w.uint32(tag(1, LEN)).string(entity.id);
    if (entity.trip) {
      w.uint32(tag(3, LEN)).fork();
      // TripUpdate.trip = 1: trip_id = 1, start_date = 3, schedule_relationship = 4.
      w.uint32(tag(1, LEN)).fork();
      if (entity.trip.tripId !== undefined) w.uint32(tag(1, LEN)).string(entity.trip.tripId);
      if (entity.trip.startDate !== undefined) w.uint32(tag(3, LEN)).string(entity.trip.startDate);
      if (entity.trip.relationship !== undefined) w.uint32(tag(4, VARINT)).int32(entity.trip.relationship);
      w.ldelim();
      if (entity.delaySeconds !== undefined) {
        // TripUpdate.stop_time_update = 2: stop_sequence = 1, arrival = 2 (StopTimeEvent.delay = 1).
        w.uint32(tag(2, LEN)).fork();
        w.uint32(tag(1, VARINT)).uint32(2);
        w.uint32(tag(2, LEN)).fork().uint32(tag(1, VARINT)).int32(entity.delaySeconds).ldelim();
        w.ldelim();
        // TripUpdate.delay = 5.
        w.uint32(tag(5, VARINT)).int32(entity.delaySeconds);
      }
      w.ldelim();
    } else {
      // VehiclePosition (4) with a position (2: latitude = 1, longitude = 2, floats).
      w.uint32(tag(4, LEN)).fork();
      w.uint32(tag(2, LEN)).fork().uint32(tag(1, 5)).float(51.5).uint32(tag(2, 5)).float(-0.1).ldelim();
      w.ldelim();
    }
    w.ldelim();
  }
  return w.finish();
}
