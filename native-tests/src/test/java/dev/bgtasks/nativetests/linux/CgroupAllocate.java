package dev.bgtasks.nativetests.linux;

import java.util.ArrayList;
import java.util.List;

/**
 * A task that allocates 1 MiB arrays and writes to every page of each, so the memory is resident and charged to its
 * cgroup, until it is stopped. With {@code catch} as its argument it catches {@link OutOfMemoryError} (its heap is
 * sized below the cgroup limit), prints {@code caught}, and exits 0 (SPEC X10).
 */
public final class CgroupAllocate {
    private CgroupAllocate() {
    }

    public static void main(String[] args) {
        boolean catchIt = args.length > 0 && args[0].equals("catch");
        List<byte[]> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4096; i++) {
                byte[] chunk = new byte[1 << 20];
                for (int page = 0; page < chunk.length; page += 4096) {
                    chunk[page] = 1;
                }
                held.add(chunk);
            }
        } catch (OutOfMemoryError e) {
            int mib = held.size();
            held.clear();
            if (catchIt) {
                System.out.println("caught OutOfMemoryError after " + mib + " MiB");
                System.exit(0);
            }
            throw e;
        }
        System.out.println("allocated " + held.size() + " MiB without being stopped");
        System.exit(3);
    }
}
