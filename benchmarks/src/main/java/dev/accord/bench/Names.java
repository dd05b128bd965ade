package dev.accord.bench;

/** The name shapes every benchmark and report uses, so their figures compare. */
final class Names {

  private Names() {}

  /** Around 20 characters, the length of a namespaced Kubernetes-style resource name. */
  static String present(int i) {
    return "team-" + (i % 50) + "/job-" + i;
  }

  /** Same shape and length as {@link #present}, never added. */
  static String absent(int i) {
    return "team-" + (i % 50) + "/run-" + i;
  }

  static String[] presentNames(int n) {
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = present(i);
    }
    return names;
  }

  static String[] absentNames(int n) {
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = absent(i);
    }
    return names;
  }
}
