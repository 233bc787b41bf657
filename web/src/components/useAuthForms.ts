import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { getFragmentData } from '../__generated__/fragment-masking';
import { graphql } from '../__generated__/gql';
import { useSessionStore } from '../app-context';
import { AuthSessionFragment } from '../session';

const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      ...AuthSession
    }
  }
`);

const LogInMutation = graphql(`
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      ...AuthSession
    }
  }
`);

export type AuthMode = 'sign-in' | 'sign-up';

/** Signing in or up: the form's fields, and the session started from the answer. */
export function useAuthForms(onSignedIn?: () => void) {
  const [mode, setMode] = useState<AuthMode>('sign-in');
  const session = useSessionStore();
  const [logIn, logInState] = useMutation(LogInMutation);
  const [signUp, signUpState] = useMutation(SignUpMutation);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const busy = logInState.loading || signUpState.loading;
  const error = mode === 'sign-in' ? logInState.error : signUpState.error;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      if (mode === 'sign-in') {
        const result = await logIn({ variables: { input: { email, password } }, context: { anonymous: true } });
        if (result.data) session.signIn(getFragmentData(AuthSessionFragment, result.data.logIn));
      } else {
        const result = await signUp({ variables: { input: { name, email, password } }, context: { anonymous: true } });
        if (result.data) session.signIn(getFragmentData(AuthSessionFragment, result.data.signUp));
      }
      onSignedIn?.();
    } catch {
      // shown from the mutation state
    }
  };

  return { mode, setMode, name, setName, email, setEmail, password, setPassword, busy, error, submit };
}
