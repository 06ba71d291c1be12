#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/controlapi/control_api.h"

namespace swarmsim {
namespace controlapi {
namespace {

class ServiceApiTest : public ::testing::Test {
 protected:
  ServiceApiTest() {
    api::Service s;
    s.set_id("s1");
    s.mutable_spec()->set_name("web");
    s.mutable_spec()->set_replicas(3);
    s.mutable_meta()->set_version(10);
    services_.push_back(s);
  }
  ControlView View() const { return ControlView{nodes_, services_, membership_}; }

  std::vector<api::Node> nodes_;
  std::vector<api::Service> services_;
  rolemanager::RaftMembershipView membership_;
};

api::CreateServiceRequest Create(const std::string& name, uint64_t replicas) {
  api::CreateServiceRequest r;
  r.mutable_spec()->set_name(name);
  r.mutable_spec()->set_replicas(replicas);
  return r;
}

TEST_F(ServiceApiTest, CreateServiceEmitsOneCreate) {
  auto d = CreateService(View(), Create("api", 60), "s2");
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->actions.size(), 1u);
  EXPECT_EQ(d->actions[0].kind(), api::StoreAction::CREATE);
  EXPECT_EQ(d->actions[0].target().service().id(), "s2");
  EXPECT_EQ(d->actions[0].target().service().spec().replicas(), 60u);
  EXPECT_EQ(d->response.service().id(), "s2");
}

TEST_F(ServiceApiTest, DuplicateServiceNameIsAlreadyExists) {
  auto d = CreateService(View(), Create("WEB", 1), "s2");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(d.status().message(),
            "name conflicts with an existing object: service WEB already exists");
}

TEST_F(ServiceApiTest, CreateServiceValidatesName) {
  EXPECT_EQ(CreateService(View(), Create("", 1), "s2").status().message(),
            "meta: name must be provided");
  EXPECT_EQ(CreateService(View(), Create("-bad", 1), "s2").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateService(View(), Create(std::string(64, 'a'), 1), "s2").status().message(),
            "name must be 63 characters or fewer");
  EXPECT_TRUE(CreateService(View(), Create("a_b-c9", 1), "s2").ok());
  EXPECT_EQ(CreateService(View(), api::CreateServiceRequest(), "s2").status().code(),
            absl::StatusCode::kInvalidArgument);
}

api::UpdateServiceRequest Scale(const std::string& id, uint64_t version, uint64_t replicas) {
  api::UpdateServiceRequest r;
  r.set_service_id(id);
  r.set_version(version);
  r.mutable_spec()->set_name("web");
  r.mutable_spec()->set_replicas(replicas);
  return r;
}

TEST_F(ServiceApiTest, UpdateServiceChangesReplicas) {
  auto d = UpdateService(View(), Scale("s1", 10, 7));
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->actions.size(), 1u);
  EXPECT_EQ(d->actions[0].kind(), api::StoreAction::UPDATE);
  EXPECT_EQ(d->actions[0].target().service().spec().replicas(), 7u);
  EXPECT_EQ(d->actions[0].target().service().meta().version(), 10u);
}

TEST_F(ServiceApiTest, UpdateServiceRefusals) {
  EXPECT_EQ(UpdateService(View(), Scale("s1", 9, 7)).status(),
            absl::UnknownError("update out of sequence"));
  EXPECT_EQ(UpdateService(View(), Scale("nope", 10, 7)).status(),
            absl::NotFoundError("service nope not found"));
  EXPECT_EQ(UpdateService(View(), Scale("s1", 0, 7)).status(),
            absl::InvalidArgumentError("invalid argument"));
  api::UpdateServiceRequest rename = Scale("s1", 10, 7);
  rename.mutable_spec()->set_name("web2");
  EXPECT_EQ(UpdateService(View(), rename).status(),
            absl::UnimplementedError("renaming services is not supported"));
}

TEST_F(ServiceApiTest, RemoveService) {
  api::RemoveServiceRequest r;
  r.set_service_id("s1");
  auto d = RemoveService(View(), r);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->actions.size(), 1u);
  EXPECT_EQ(d->actions[0].kind(), api::StoreAction::REMOVE);
  r.set_service_id("s9");
  EXPECT_EQ(RemoveService(View(), r).status(), absl::NotFoundError("service s9 not found"));
  r.clear_service_id();
  EXPECT_EQ(RemoveService(View(), r).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace controlapi
}  // namespace swarmsim
