import type { ImapCommand } from '../protocol/index.js';
import type { CommandHandler, CommandInput, Completion, SessionState } from './types.js';

/** A command's name as the registry knows it: `UID FETCH` is `FETCH` (the command says `uid`). */
export type CommandName = ImapCommand['name'];

/** The command of a name (LIST and LSUB share one shape, so a plain `Extract` would miss them). */
export type CommandOf<N extends CommandName> = CommandNamed<ImapCommand, N>;
type CommandNamed<C, N> = C extends { name: infer M } ? (N extends M ? C : never) : never;

/**
 * When pending EXPUNGE/VANISHED responses may be sent at the end of a command
 * (RFC 9051 §7.5.1): `always`, `never`, or `uid-only` (FETCH, STORE, SEARCH,
 * SORT, THREAD, COPY: allowed for their UID forms, never for the
 * sequence-number forms, whose client is still counting on the old numbers).
 */
export type ExpungePolicy = 'always' | 'never' | 'uid-only';

/** How a command is run. */
export interface CommandSpec<N extends CommandName = CommandName, S = unknown> {
  /** States in which the command is valid; elsewhere it is answered BAD. */
  readonly states: readonly SessionState[];
  readonly expunges: ExpungePolicy;
  /** Returns the completion, or null when the command answers later itself (IDLE, AUTHENTICATE, LOGOUT). */
  readonly run: (
    session: S,
    input: CommandInput<CommandOf<N>>,
  ) => Promise<Completion | null> | Completion | null;
}

/** States after authentication. */
export const AUTHENTICATED: readonly SessionState[] = ['authenticated', 'selected'];
/** Only with a mailbox selected. */
export const SELECTED: readonly SessionState[] = ['selected'];
/** Every state. */
export const ANY: readonly SessionState[] = ['not-authenticated', 'authenticated', 'selected'];

/**
 * The table of commands a session runs, filled once per listener (no module
 * state: tests build their own). `S` is the session type handed to the
 * session's own commands (LOGIN, SELECT, IDLE …); commands plugged in from
 * outside use {@link registerCommand} and see only the `SessionContext`.
 */
export class CommandRegistry<S> {
  private readonly specs = new Map<CommandName, CommandSpec<CommandName, S>>();
  private readonly extra = new Set<string>();

  /** Capabilities the plugged-in commands add (ESEARCH, SORT, THREAD=REFERENCES, BINARY …). */
  get capabilities(): readonly string[] {
    return [...this.extra];
  }

  /**
   * Plugs in a command handler that works through the `SessionContext`
   * (FETCH, SEARCH, SORT, THREAD): valid in the selected state unless
   * `options.states` says otherwise; replaces an earlier registration.
   */
  registerCommand<N extends CommandName>(
    name: N,
    handler: CommandHandler<CommandOf<N>>,
    options: {
      states?: readonly SessionState[];
      expunges?: ExpungePolicy;
      /** Capabilities to advertise once signed in, e.g. `['SORT']`. */
      capabilities?: readonly string[];
    } = {},
  ): void {
    for (const capability of options.capabilities ?? []) this.extra.add(capability);
    this.specs.set(name, {
      states: options.states ?? SELECTED,
      expunges: options.expunges ?? 'uid-only',
      // The session implements SessionContext; handlers see nothing more.
      run: (session, input) =>
        handler(session as never, input as CommandInput<CommandOf<N>>) as Promise<Completion> | Completion,
    } as CommandSpec<CommandName, S>);
  }

  /** Registers one of the session's own commands, which needs the session itself. */
  registerSessionCommand<N extends CommandName>(name: N, spec: CommandSpec<N, S>): void {
    this.specs.set(name, spec as unknown as CommandSpec<CommandName, S>);
  }

  /** How to run `name`, or undefined for a command nobody registered. */
  lookup(name: CommandName): CommandSpec<CommandName, S> | undefined {
    return this.specs.get(name);
  }
}
