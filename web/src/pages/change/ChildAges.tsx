import { useState, type FormEvent } from 'react';
import { ageProblem } from './change-plan';

interface ChildAgesProps {
  /** How many children travel. */
  children: number;
  /** The ages given so far, in the children's order; null for none. */
  ages: ReadonlyArray<number | null>;
  /** The ages to price the new train with. */
  onChange: (ages: Array<number | null>) => void;
}

/**
 * The children's ages for the new train's fares: tickets do not keep them, and a child under 4
 * travels free only when the age is given. Each is optional; without one the child fare applies.
 */
export function ChildAges({ children, ages, onChange }: ChildAgesProps) {
  const [values, setValues] = useState(() =>
    Array.from({ length: children }, (_, i) => (typeof ages[i] === 'number' ? String(ages[i]) : '')),
  );
  const [shown, setShown] = useState(false);
  const problems = values.map(ageProblem);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setShown(true);
    if (problems.some((problem) => problem !== null)) return;
    onChange(values.map((value) => (value.trim() === '' ? null : Number(value))));
  };

  return (
    <form className="card child-ages" onSubmit={submit} noValidate aria-labelledby="child-ages-heading">
      <h2 id="child-ages-heading">{children === 1 ? 'How old is the child?' : 'How old are the children?'}</h2>
      <p id="child-ages-hint" className="hint">
        Tickets do not keep ages. Give each child’s age for the right fare: under 4 travels free. Without an age, the
        child fare for ages 4–11 applies.
      </p>
      {values.map((value, i) => {
        const id = `child-age-${i}`;
        const problem = shown ? problems[i] : null;
        return (
          <div key={id} className="field">
            <label htmlFor={id}>{children === 1 ? 'Age (optional)' : `Age of child ${i + 1} (optional)`}</label>
            <input
              id={id}
              type="number"
              inputMode="numeric"
              min={0}
              max={11}
              value={value}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${id}-error` : 'child-ages-hint'}
              onChange={(event) => setValues(values.map((v, j) => (j === i ? event.target.value : v)))}
            />
            {problem ? (
              <p id={`${id}-error`} className="field-error" role="alert">
                {problem}
              </p>
            ) : null}
          </div>
        );
      })}
      <div className="actions">
        <button type="submit" className="secondary">
          Show prices for these ages
        </button>
      </div>
    </form>
  );
}
