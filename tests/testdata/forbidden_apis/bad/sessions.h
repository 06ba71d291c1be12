// Declares the member that sessions.cc iterates (a helper of bad/sessions.cc).
class Sessions {
  void Expire();
  absl::flat_hash_map<std::string, Session> by_id_;
};
