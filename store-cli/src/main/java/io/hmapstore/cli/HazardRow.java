package io.hmapstore.cli;

import io.hmapstore.cli.Hazard.Trial;
import java.util.List;

/**
 * One row of {@code hmapstore hazards}: a hazard's guard-off and guard-on trials, repeated
 * {@code --repeat} times, and what they add up to.
 *
 * @param hazard the hazard
 * @param guardOff its trials with the guard off, in order
 * @param guardOn its trials with the guard on, in order
 */
record HazardRow(Hazard hazard, List<Trial> guardOff, List<Trial> guardOn) {

    /** @return how many guard-off trials showed the hazard */
    long shown() {
        return guardOff.stream().filter(Trial::hazardShown).count();
    }

    /** @return how many guard-on trials prevented it */
    long held() {
        return guardOn.stream().filter(t -> !t.hazardShown()).count();
    }

    /** @return whether the guard prevented the hazard in every guard-on trial */
    boolean guardHeld() {
        return held() == guardOn.size();
    }

    /** @return the guard-off trial to show: the first that showed the hazard, else the last */
    Trial guardOffShown() {
        return guardOff.stream().filter(Trial::hazardShown).findFirst().orElse(guardOff.getLast());
    }

    /** @return the guard-on trial to show: the first where the guard failed, else the last */
    Trial guardOnShown() {
        return guardOn.stream().filter(Trial::hazardShown).findFirst().orElse(guardOn.getLast());
    }

    /** @return "shown", "shown 3 of 5", or, honestly, "not produced in 5 tries" */
    String shownStatus() {
        long shown = shown();
        int tries = guardOff.size();
        if (shown == 0) {
            return "not produced" + (tries == 1 ? "" : " in " + tries + " tries");
        }
        return tries == 1 ? "shown" : "shown " + shown + " of " + tries;
    }

    /** @return "held", "held 5 of 5", or "FAILED 1 of 5" */
    String heldStatus() {
        int tries = guardOn.size();
        if (guardHeld()) {
            return tries == 1 ? "held" : "held " + tries + " of " + tries;
        }
        return "FAILED " + (tries - held()) + " of " + tries;
    }
}
