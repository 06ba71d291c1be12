// expect: clock-entropy-thread
int x = rand();
