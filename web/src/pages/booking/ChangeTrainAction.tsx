import { Link } from '../../router';
import { changeHref } from '../change/change-plan';

/** The way to change a confirmed booking with valid tickets to a later train. */
export function ChangeTrainAction({ bookingId }: { bookingId: string }) {
  return (
    <div className="actions">
      <Link className="button secondary change-train" href={changeHref(bookingId, { ages: [] })}>
        Change train
      </Link>
    </div>
  );
}
