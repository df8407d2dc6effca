package dev.bgtasks.generic;

import java.util.ArrayList;
import java.util.List;

/**
 * A task that allocates 1 MiB arrays, touches every page of each and keeps them all, until it is killed or its heap
 * is full. Started by the tests with the current JVM.
 */
public final class MemoryHog {
    private MemoryHog() {
    }

    public static void main(String[] args) {
        List<byte[]> kept = new ArrayList<>();
        System.out.println("allocating");
        System.out.flush();
        while (true) {
            byte[] block = new byte[1 << 20];
            for (int i = 0; i < block.length; i += 4096) {
                block[i] = (byte) i;
            }
            kept.add(block);
            if (kept.size() % 64 == 0) {
                System.out.println(kept.size() + " MiB");
                System.out.flush();
            }
        }
    }
}
