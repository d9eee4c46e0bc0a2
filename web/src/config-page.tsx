import { pages } from "@microsoft/teams-js";
import { useEffect, useState } from "react";
import { useLayout } from "./ui/layout";
import { Problem } from "./ui/problem";

/** The channel tab's entity: one live board per channel, whoever added it. */
const BOARD = { entityId: "home-visits-board", suggestedDisplayName: "Home visits board" };

/**
 * The configuration page Teams shows when someone adds the board to a channel of the staff team (pages.config):
 * nothing to choose, so it is valid at once and saves the board's address.
 */
export default function ConfigPage() {
  const layout = useLayout();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    const url = new URL("/tab/", window.location.origin).href;
    pages.config.registerOnSaveHandler((save) => {
      pages.config.setConfig({ ...BOARD, contentUrl: url, websiteUrl: url }).then(
        () => save.notifySuccess(),
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          setProblem(message);
          save.notifyFailure(message);
        },
      );
    });
    pages.config.setValidityState(true);
  }, []);
  return (
    <main>
      <h1 className={layout.heading}>Add the home visits board to this channel</h1>
      <p className={layout.line}>
        The board shows today's home visits and their alerts, and updates by itself. Everyone who opens it sees only what their role in the school's home-visit
        policy allows: the office and those who answer for staff safety see every visit; a visitor sees their own.
      </p>
      <p className={layout.line}>Select Save to add it.</p>
      {problem && <Problem title="The board could not be added.">{problem}</Problem>}
    </main>
  );
}
