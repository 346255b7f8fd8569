// The example app's web page: users with their karma and preferences, live.
// Every value on screen comes from a subscription (`useQuery`), so an edit
// made in another window appears here without reloading. build.rs bundles
// this file with the generated client and React bindings (copied next to it
// into OUT_DIR/web/generated/) and the server serves it at `/`.
//
// Which users are shown is the page's URL: `/#ada,grace` watches the users
// whose clerkId is `ada` or `grace`, whether or not they exist yet; open the
// same URL in two windows to see them stay in sync.

import { Component, StrictMode, useEffect, useState, type FormEvent, type ReactNode } from "react";
import { createRoot } from "react-dom/client";

import { api, SchemaBridgeClient, SchemaBridgeError, type Doc, type Preferences } from "./generated/index.js";
import { SchemaBridgeProvider, useConnectionState, useMutation, useQuery } from "./generated/react.js";

type Frequency = Preferences["emailFrequency"][number];
const FREQUENCIES: Frequency[] = ["daily", "weekly", "never"];

/** The clerkIds in the URL's fragment, in order, without repeats. */
function readRoster(): string[] {
  const ids = window.location.hash
    .slice(1)
    .split(",")
    .map((part) => decodeURIComponent(part).trim())
    .filter((id) => id !== "");
  return [...new Set(ids)];
}

function useRoster(): [string[], (clerkId: string) => void] {
  const [roster, setRoster] = useState(readRoster);
  useEffect(() => {
    const changed = () => setRoster(readRoster());
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  const add = (clerkId: string) => {
    const next = [...new Set([...readRoster(), clerkId])];
    window.location.hash = next.map(encodeURIComponent).join(",");
  };
  return [roster, add];
}

function App(): ReactNode {
  const [roster, watch] = useRoster();
  return (
    <main>
      <header>
        <h1>Astrology journal: users, live</h1>
        <Connection />
      </header>
      <CreateUser onCreated={watch} />
      <WatchUser onWatch={watch} />
      {roster.length === 0 ? (
        <p className="hint">No users watched yet: create one, or watch a clerkId.</p>
      ) : (
        <ul className="users">
          {roster.map((clerkId) => (
            <Failures key={clerkId}>
              <UserCard clerkId={clerkId} />
            </Failures>
          ))}
        </ul>
      )}
    </main>
  );
}

function Connection(): ReactNode {
  const state = useConnectionState();
  const text = state.isWebSocketConnected ? "live" : "connecting…";
  return (
    <p className="connection" data-testid="connection" data-connected={String(state.isWebSocketConnected)}>
      {text}
    </p>
  );
}

function UserCard(props: { clerkId: string }): ReactNode {
  const user = useQuery(api.users.byClerkId, { clerkId: props.clerkId });
  if (user === undefined) {
    return (
      <li className="user" data-clerk-id={props.clerkId} data-state="loading">
        {props.clerkId}: loading…
      </li>
    );
  }
  if (user === null) {
    return (
      <li className="user" data-clerk-id={props.clerkId} data-state="missing">
        <strong>{props.clerkId}</strong>: no such user yet
      </li>
    );
  }
  return (
    <li className="user" data-clerk-id={props.clerkId} data-state="present">
      <strong>{user.clerkId}</strong> <span className="email">{user.email}</span>
      <p>
        karma <span className="karma">{String(user.karma)}</span> <AddKarma user={user} />
      </p>
      <p>
        preferences <span className="preferences">{describePreferences(user.preferences)}</span>
      </p>
      {/* Remounted when the stored preferences change, so it shows them. */}
      <PreferencesForm key={JSON.stringify(user.preferences ?? null)} user={user} />
    </li>
  );
}

function describePreferences(preferences: Preferences | undefined): string {
  if (preferences === undefined) return "none";
  const frequency = preferences.emailFrequency.length === 0 ? "no email" : preferences.emailFrequency.join("+");
  return `${frequency}, ${preferences.timezone}`;
}

function AddKarma(props: { user: Doc<"users"> }): ReactNode {
  const addKarma = useMutation(api.users.addKarma);
  const [error, setError] = useState<string>();
  const add = () => {
    addKarma({ userId: props.user._id, amount: 1n }).then(
      () => setError(undefined),
      (failure: unknown) => setError(describe(failure)),
    );
  };
  return (
    <>
      <button type="button" className="add-karma" onClick={add}>
        +1 karma
      </button>
      {error === undefined ? null : <span className="error">{error}</span>}
    </>
  );
}

function PreferencesForm(props: { user: Doc<"users"> }): ReactNode {
  const stored = props.user.preferences;
  const [frequencies, setFrequencies] = useState<Frequency[]>(stored?.emailFrequency ?? []);
  const [timezone, setTimezone] = useState(stored?.timezone ?? "UTC");
  const [error, setError] = useState<string>();
  const updatePreferences = useMutation(api.users.updatePreferences);
  const toggle = (frequency: Frequency, on: boolean) =>
    setFrequencies((now) => FREQUENCIES.filter((f) => (f === frequency ? on : now.includes(f))));
  const save = (event: FormEvent) => {
    event.preventDefault();
    const preferences: Preferences = { emailFrequency: frequencies, timezone };
    if (stored?.quietHours !== undefined) preferences.quietHours = stored.quietHours;
    updatePreferences({ userId: props.user._id, preferences }).then(
      () => setError(undefined),
      (failure: unknown) => setError(describe(failure)),
    );
  };
  return (
    <form className="preferences-form" onSubmit={save}>
      {FREQUENCIES.map((frequency) => (
        <label key={frequency}>
          <input
            type="checkbox"
            name={frequency}
            checked={frequencies.includes(frequency)}
            onChange={(event) => toggle(frequency, event.target.checked)}
          />
          {frequency}
        </label>
      ))}
      <input name="timezone" value={timezone} onChange={(event) => setTimezone(event.target.value)} />
      <button type="submit">Save preferences</button>
      {error === undefined ? null : <span className="error">{error}</span>}
    </form>
  );
}

function CreateUser(props: { onCreated: (clerkId: string) => void }): ReactNode {
  const create = useMutation(api.users.create);
  const [clerkId, setClerkId] = useState("");
  const [email, setEmail] = useState("");
  const [error, setError] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create({ clerkId, email }).then(
      () => {
        setError(undefined);
        props.onCreated(clerkId);
        setClerkId("");
        setEmail("");
      },
      (failure: unknown) => setError(describe(failure)),
    );
  };
  return (
    <form className="create-user" onSubmit={submit}>
      <input name="clerkId" placeholder="clerkId" required value={clerkId} onChange={(e) => setClerkId(e.target.value)} />
      <input name="email" placeholder="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <button type="submit">Create user</button>
      {error === undefined ? null : <span className="error">{error}</span>}
    </form>
  );
}

function WatchUser(props: { onWatch: (clerkId: string) => void }): ReactNode {
  const [clerkId, setClerkId] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (clerkId.trim() !== "") props.onWatch(clerkId.trim());
    setClerkId("");
  };
  return (
    <form className="watch-user" onSubmit={submit}>
      <input name="watch" placeholder="clerkId to watch" value={clerkId} onChange={(e) => setClerkId(e.target.value)} />
      <button type="submit">Watch</button>
    </form>
  );
}

/** Shows a failed query (thrown by `useQuery`) in place of its card. */
class Failures extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };
  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }
  override render(): ReactNode {
    if (this.state.error === undefined) return this.props.children;
    return <li className="user error">{describe(this.state.error)}</li>;
  }
}

function describe(error: unknown): string {
  if (error instanceof SchemaBridgeError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

// The page's own origin: the server that served it also serves the API.
const client = new SchemaBridgeClient(window.location.origin);
const root = document.getElementById("root");
if (root === null) throw new Error("the page has no #root element");
createRoot(root).render(
  <StrictMode>
    <SchemaBridgeProvider client={client}>
      <App />
    </SchemaBridgeProvider>
  </StrictMode>,
);
