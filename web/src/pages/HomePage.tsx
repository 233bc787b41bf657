import { SearchForm } from '../components/SearchForm';

/** The start: where to, when and who. */
export function HomePage() {
  return (
    <section aria-labelledby="home-heading" className="home">
      <h1 id="home-heading">Where are you going?</h1>
      <SearchForm />
    </section>
  );
}
