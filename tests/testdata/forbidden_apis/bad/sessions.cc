// expect: hash-iteration
#include "tests/testdata/forbidden_apis/bad/sessions.h"
void Sessions::Expire() {
  for (auto& [id, session] : by_id_) session.Close();
}
