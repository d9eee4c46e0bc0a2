import { MESSAGE_TEXT_MAX } from "../../src/teams/activity-schema";
import { parseTextCommand, withoutCodeWord } from "../../src/teams/text-commands";
import { HOSTILE_TEXTS } from "../support/hostile-text";

/** What the bot reads a message as, and whether the code word was in it. */
const read = (text: string) => {
  const { said, codeWordUsed } = withoutCodeWord(text, "Bluebell");
  return { said, codeWordUsed, command: parseTextCommand(said).kind };
};

describe("free text in the 1:1 chat", () => {
  it("reads the same whatever the case, punctuation, spacing and Teams' markup", () => {
    expect(read("I'm safe!")).toEqual({ said: "im safe", codeWordUsed: false, command: "check-in" });
    expect(read("<p>  ARRIVED\u00a0</p>")).toEqual({ said: "arrived", codeWordUsed: false, command: "check-in" });
    expect(read("<div><b>New</b> visit</div>")).toEqual({ said: "new visit", codeWordUsed: false, command: "new-visit" });
    expect(read('<a href="x">review</a> 2025-09-01 2026-08-31').command).toBe("review");
    expect(read("<a<b>left")).toEqual({ said: "left", codeWordUsed: false, command: "check-in" });
  });

  it('tells "help" (what you can do, or the alarm while out) from the words that always raise the alarm', () => {
    expect(read("Help").command).toBe("help");
    for (const words of ["SOS", "I need help!", "need help", "help me", "Emergency"]) expect({ words, command: read(words).command }).toEqual({ words, command: "alarm" });
  });

  it('reads "false alarm", "pending", and "All fine here" as the periodic "I\'m safe" check-in', () => {
    expect(read("False alarm!").command).toBe("false-alarm");
    expect(read("It was a false alarm").command).toBe("false-alarm");
    expect(read("pending").command).toBe("pending");
    expect(parseTextCommand(read("All fine here.").said)).toEqual({ kind: "check-in", step: "safe" });
    expect(read("all fine now thanks").command).toBe("unknown");
  });

  it("keeps an unclosed '<' as text, as punctuation: the words after it still count", () => {
    expect(read("<<<< arrived")).toEqual({ said: "arrived", codeWordUsed: false, command: "check-in" });
    expect(read("<b>safe</b> <<< bluebell")).toEqual({ said: "safe", codeWordUsed: true, command: "check-in" });
  });

  it("finds the code word as a whole word anywhere, and only then", () => {
    expect(read("Arrived, Bluebell!")).toEqual({ said: "arrived", codeWordUsed: true, command: "check-in" });
    expect(read("bluebells arrived")).toEqual({ said: "bluebells arrived", codeWordUsed: false, command: "unknown" });
    expect(read("BLUEBELL bluebell Bluebell")).toEqual({ said: "", codeWordUsed: true, command: "unknown" });
  });

  it("takes the longest message Teams allows, however hostile, and reads it plainly", () => {
    for (const [kind, text] of Object.entries(HOSTILE_TEXTS)) {
      const { said, codeWordUsed, command } = read(text);
      expect({ kind, codeWordUsed, command }).toEqual({ kind, codeWordUsed: false, command: "unknown" });
      expect(said.length).toBeLessThanOrEqual(MESSAGE_TEXT_MAX);
    }
    const last = " arrived bluebell";
    expect(read(`${"<".repeat(MESSAGE_TEXT_MAX - last.length)}${last}`)).toEqual({ said: "arrived", codeWordUsed: true, command: "check-in" });
  });

  it("reads no further than Teams' message limit (the edge refuses longer text)", () => {
    expect(read(`${" ".repeat(MESSAGE_TEXT_MAX)}bluebell`)).toEqual({ said: "", codeWordUsed: false, command: "unknown" });
  });
});
