import { describe, expect, it } from 'vitest';
import { matchPath, matchRoute } from './router';
import { routes } from './routes';

const pageFor = (pathname: string) => matchRoute(routes, pathname)?.route.path ?? 'not found';

describe('the route table', () => {
  it('finds the page for each path the app links to', () => {
    expect(['/', '/journeys', '/seats', '/passengers', '/review', '/bookings', '/account'].map(pageFor)).toEqual([
      '/',
      '/journeys',
      '/seats',
      '/passengers',
      '/review',
      '/bookings',
      '/account',
    ]);
    expect(matchRoute(routes, '/bookings/b%201')?.params).toEqual({ id: 'b 1' });
    expect(matchRoute(routes, '/bookings/b1')?.route.signedIn).toBe(true);
  });

  it('matches fixed paths exactly and named parts with or without a trailing slash', () => {
    expect(['/journeys/', '/Journeys', '/bookings/', '/bookings/a/b', '/elsewhere'].map(pageFor)).toEqual(
      Array(5).fill('not found'),
    );
    expect(matchPath('/bookings/:id', '/bookings/b1/')).toEqual({ id: 'b1' });
    expect(matchPath('/bookings/:id', '/bookings//')).toBeNull();
  });
});
