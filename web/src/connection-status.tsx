import { MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { preciseTimeOf } from "./london-time";
import type { BoardState } from "./use-board";
import { useLayout } from "./ui/layout";
import { Problem } from "./ui/problem";

/** Whether the board on screen can be trusted: when it was last confirmed, or plainly, that it cannot be. */
export function ConnectionStatus({ state }: { state: BoardState }) {
  const layout = useLayout();
  if (state.refusal) return <Problem title="You cannot see the board.">{state.refusal}</Problem>;
  if (state.lostContact) {
    return (
      <div role="alert">
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Lost contact with the server since {preciseTimeOf(state.lostContact.since)}.</MessageBarTitle> What you see may be out of date. Trying
            again every few seconds; phone the office if it does not come back.
          </MessageBarBody>
        </MessageBar>
      </div>
    );
  }
  return state.checkedAt ? <p className={layout.quiet}>Up to date at {preciseTimeOf(state.checkedAt)}: checked every few seconds.</p> : null;
}
