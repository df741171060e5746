package events

// NewCatalogue returns a registry holding every event type pledger writes,
// each at its current schema version. It is the one list; docs/events.md is
// checked against it.
func NewCatalogue() *Registry {
	r := NewRegistry()
	Register[Sealed](r)

	Register[ProjectChartered](r)
	Register[ProjectPhaseChanged](r)
	Register[ProjectClosed](r)

	Register[ScopeBaselined](r)
	Register[ChangeRequestSubmitted](r)
	Register[ChangeRequestAssessed](r)
	Register[ChangeRequestApproved](r)
	Register[ChangeRequestRejected](r)
	Register[ChangeRequestImplemented](r)

	Register[RiskRaised](r)
	Register[RiskAssessed](r)
	Register[RiskMitigationUpdated](r)
	Register[RiskOwnerChanged](r)
	Register[RiskEscalated](r)
	Register[RiskRealised](r)
	Register[RiskClosed](r)
	Register[AssumptionLogged](r)
	Register[AssumptionValidated](r)
	Register[AssumptionInvalidated](r)
	Register[IssueRaised](r)
	Register[IssueUpdated](r)
	Register[IssueEscalated](r)
	Register[IssueResolved](r)
	Register[DependencyLogged](r)
	Register[DependencyStatusChanged](r)
	Register[DependencyResolved](r)

	Register[BudgetApproved](r)
	Register[BudgetBaselineChanged](r)
	Register[ActualRecorded](r)
	Register[ForecastUpdated](r)
	Register[VarianceThresholdSet](r)
	Register[EntryCorrected](r)

	Register[MilestonePlanned](r)
	Register[MilestoneForecastChanged](r)
	Register[MilestoneRebaselined](r)
	Register[MilestoneAchieved](r)
	Register[TaskPlanned](r)
	Register[TaskProgressed](r)
	Register[ResourceAssigned](r)
	Register[ResourceReleased](r)

	Register[VendorRegistered](r)
	Register[ContractSigned](r)
	Register[ContractAmended](r)
	Register[PurchaseOrderIssued](r)
	Register[DeliverableSubmitted](r)
	Register[DeliverableAccepted](r)
	Register[DeliverableRejected](r)
	Register[DeliverableDisputed](r)
	Register[DisputeResolved](r)
	Register[InvoiceReceived](r)
	Register[InvoiceApproved](r)
	Register[InvoiceRejected](r)
	Register[InvoicePaid](r)

	Register[DecisionRecorded](r)
	Register[DecisionSuperseded](r)

	Register[MeetingHeld](r)
	Register[ActionItemAdded](r)
	Register[ActionItemUpdated](r)
	Register[ActionItemDone](r)
	Register[ActionItemCancelled](r)

	Register[DocumentRegistered](r)
	Register[DocumentVersionAdded](r)
	Register[DocumentApproved](r)
	Register[DocumentRetired](r)

	Register[MemberJoined](r)
	Register[AccessRequested](r)
	Register[AccessProvisioned](r)
	Register[AccessRevoked](r)
	Register[MemberLeft](r)
	Register[PersonRegistered](r)
	Register[RoleGranted](r)
	Register[RoleRevoked](r)

	Register[StatusReportPublished](r)

	Register[TokenIssued](r)
	Register[TokenRevoked](r)
	return r
}
