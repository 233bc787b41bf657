import type { ConsistSpec } from '../consist/layout.js';
import type { Operator, Station, Train } from './model.js';

/**
 * A whole timetable as one operator publishes it, ready to store: what the demo network
 * generator produces and what a GTFS import will produce.
 */
export interface TimetableFeed {
  operators: Operator[];
  stations: Station[];
  consists: ConsistSpec[];
  trains: Train[];
}
