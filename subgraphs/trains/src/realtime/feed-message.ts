import protobuf from 'protobufjs';

/**
 * The part of GTFS-Realtime (https://gtfs.org/realtime/reference/, `gtfs-realtime.proto`) that
 * trains reads: a FeedMessage's entities and each TripUpdate's TripDescriptor. Field numbers
 * and enum values are the specification's; every other field (stop time updates, vehicles,
 * alerts, extensions) is skipped by the decoder. Decoded with protobufjs from this text rather
 * than with `gtfs-realtime-bindings`, whose current release needs Node 22 (Railgraph runs on 20)
 * and brings the protobufjs command line (jsdoc and more) into production dependencies.
 */
const GTFS_REALTIME_SUBSET = `
syntax = "proto2";
package transit_realtime;

message FeedMessage {
  required FeedHeader header = 1;
  repeated FeedEntity entity = 2;
}

message FeedHeader {
  required string gtfs_realtime_version = 1;
  optional uint64 timestamp = 3;
}

message FeedEntity {
  required string id = 1;
  optional bool is_deleted = 2;
  optional TripUpdate trip_update = 3;
}

message TripUpdate {
  required TripDescriptor trip = 1;
}

message TripDescriptor {
  optional string trip_id = 1;
  optional string start_time = 2;
  optional string start_date = 3;
  enum ScheduleRelationship {
    SCHEDULED = 0;
    ADDED = 1;
    UNSCHEDULED = 2;
    CANCELED = 3;
    REPLACEMENT = 5;
    DUPLICATED = 6;
    DELETED = 7;
    NEW = 8;
  }
  optional ScheduleRelationship schedule_relationship = 4;
  optional string route_id = 5;
}
`;

const FeedMessageType = protobuf.parse(GTFS_REALTIME_SUBSET).root.lookupType('transit_realtime.FeedMessage');

/** A TripDescriptor's `schedule_relationship` by name; a number the specification does not define stays a number. */
export type ScheduleRelationship =
  'SCHEDULED' | 'ADDED' | 'UNSCHEDULED' | 'CANCELED' | 'REPLACEMENT' | 'DUPLICATED' | 'DELETED' | 'NEW' | number;

export interface TripDescriptor {
  tripId: string | null;
  /** `YYYYMMDD`, the trip's service date. */
  startDate: string | null;
  /** SCHEDULED when the feed leaves it out, as the specification says. */
  scheduleRelationship: ScheduleRelationship;
}

export interface FeedEntity {
  id: string;
  isDeleted: boolean;
  /** Null for an entity that is not a TripUpdate (a vehicle position, an alert). */
  trip: TripDescriptor | null;
}

export interface TripUpdatesFeed {
  entities: FeedEntity[];
}

/** A body that is not a GTFS-Realtime FeedMessage. */
export class RealtimeFeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RealtimeFeedError';
  }
}

interface DecodedDescriptor {
  tripId?: string;
  startDate?: string;
  scheduleRelationship?: string | number;
}

interface DecodedMessage {
  entity?: Array<{ id: string; isDeleted?: boolean; tripUpdate?: { trip: DecodedDescriptor } }>;
}

/** Decodes a protobuf FeedMessage; a RealtimeFeedError when the bytes are not one (required fields included). */
export function decodeFeedMessage(bytes: Uint8Array): TripUpdatesFeed {
  let decoded: DecodedMessage;
  try {
    decoded = FeedMessageType.toObject(FeedMessageType.decode(bytes), {
      enums: String,
      longs: String,
    }) as DecodedMessage;
  } catch (error) {
    throw new RealtimeFeedError(`not a GTFS-Realtime FeedMessage: ${(error as Error).message}`);
  }
  return {
    entities: (decoded.entity ?? []).map((entity) => ({
      id: entity.id,
      isDeleted: entity.isDeleted === true,
      trip: entity.tripUpdate
        ? {
            tripId: entity.tripUpdate.trip.tripId ?? null,
            startDate: entity.tripUpdate.trip.startDate ?? null,
            scheduleRelationship: (entity.tripUpdate.trip.scheduleRelationship ?? 'SCHEDULED') as ScheduleRelationship,
          }
        : null,
    })),
  };
}
